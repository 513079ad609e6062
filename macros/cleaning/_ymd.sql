{#- A date from year, month, day expressions; NULL unless it is a real calendar date. -#}
{% macro _ymd(year, month, day) -%}
    try_cast(
        lpad(cast({{ year }} as varchar), 4, '0') || '-'
        || lpad(cast({{ month }} as varchar), 2, '0') || '-'
        || lpad(cast({{ day }} as varchar), 2, '0')
        as date
    )
{%- endmacro %}
