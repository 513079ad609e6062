{#- A sorted, de-duplicated list of issue codes: one `(condition, code)` pair per rule;
    the code is in the list when its condition is true. An empty list when none holds. -#}
{% macro issue_list(rules) -%}
    {%- if rules | length == 0 -%}
        cast([] as {{ dbt.type_string() }}[])
    {%- else -%}
        list_sort(list_distinct(cast([
            {%- for condition, code in rules %}
            case when {{ condition }} then '{{ code }}' end{{ "," if not loop.last }}
            {%- endfor %}
        ] as {{ dbt.type_string() }}[])))
    {%- endif -%}
{%- endmacro %}
