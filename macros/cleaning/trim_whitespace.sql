{#- Trims every Unicode white space, control and format character from both ends: space,
    TAB, CR, LF, NBSP and the other separators (`\p{Z}`), controls (`\p{Cc}`) and format
    characters such as the zero-width space and a stray BOM (`\p{Cf}`). Plain `trim()`
    removes spaces only, so `02108\r` or `MA\u00a0` would survive it. -#}
{% macro trim_whitespace(expression) -%}
    regexp_replace({{ expression }}, '^[\s\p{Z}\p{Cc}\p{Cf}]+|[\s\p{Z}\p{Cc}\p{Cf}]+$', '', 'g')
{%- endmacro %}
