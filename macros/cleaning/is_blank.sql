{#- True when a landed text value means "no value": NULL, empty or only white space, or
    the literal `NULL` (any case). -#}
{% macro is_blank(expression) -%}
    coalesce(upper(trim(regexp_replace({{ expression }}, '\s+', ' ', 'g'))) in ('', 'NULL'), true)
{%- endmacro %}
