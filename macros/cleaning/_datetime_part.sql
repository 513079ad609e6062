{% macro _datetime_part(text, group) -%}
    regexp_extract({{ text }}, '{{ _datetime_pattern() }}', {{ group }})
{%- endmacro %}
