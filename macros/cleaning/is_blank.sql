{#- True when a landed text value means "no value": NULL, empty or only white space
    (any Unicode white space, control or zero-width character), or the literal `NULL`
    (any case). -#}
{% macro is_blank(expression) -%}
    coalesce(upper({{ normalize_whitespace(expression) }}) in ('', 'NULL'), true)
{%- endmacro %}
