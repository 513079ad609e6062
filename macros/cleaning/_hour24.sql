{#- Part of parse_timestamp: two-digit hour 00-23 from an hour and an optional A/P;
    NULL when the hour does not exist (24, 13 PM, 0 AM). -#}
{% macro _hour24(hour, am_pm) -%}
    lpad(cast(case
        when {{ am_pm }} = '' and cast({{ hour }} as integer) <= 23
            then cast({{ hour }} as integer)
        when upper({{ am_pm }}) = 'A' and cast({{ hour }} as integer) between 1 and 12
            then cast({{ hour }} as integer) % 12
        when upper({{ am_pm }}) = 'P' and cast({{ hour }} as integer) between 1 and 12
            then cast({{ hour }} as integer) % 12 + 12
    end as {{ dbt.type_string() }}), 2, '0')
{%- endmacro %}
