{#- A landed state / region value as a code: white space normalized, upper case; NULL when
    blank. Kept as given when no reference knows it (flagged, never nulled). -#}
{% macro region_code(expression) -%}
    upper({{ clean_text(expression) }})
{%- endmacro %}
