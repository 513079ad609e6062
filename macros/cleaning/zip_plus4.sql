{% macro zip_plus4(expression) -%}
    nullif(regexp_extract({{ trim_whitespace(expression) }}, '^\d{3,5}-(\d{4})$', 1), '')
{%- endmacro %}
