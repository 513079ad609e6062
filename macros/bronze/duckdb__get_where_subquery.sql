{% macro duckdb__get_where_subquery(relation) -%}
    {%- set where = config.get('where', '') -%}
    {%- set scope = bronze_test_scope(relation) -%}
    {%- if where and scope -%}
        {{ return("(select * from " ~ relation ~ " where (" ~ where ~ ") and " ~ scope ~ ") dbt_subquery") }}
    {%- elif where or scope -%}
        {{ return("(select * from " ~ relation ~ " where " ~ (where or scope) ~ ") dbt_subquery") }}
    {%- else -%}
        {{ return(relation) }}
    {%- endif -%}
{%- endmacro %}
