{% macro duckdb__get_where_subquery(relation) -%}
    {%- set where = config.get('where', '') -%}
    {%- set scope = bronze_test_scope(relation) -%}
    {#- the scope names the relation's rows bronze_rows (under --empty the relation is a subquery) -#}
    {%- if where and scope -%}
        {{ return("(select * from " ~ relation ~ " as bronze_rows where (" ~ where ~ ") and " ~ scope ~ ") dbt_subquery") }}
    {%- elif scope -%}
        {{ return("(select * from " ~ relation ~ " as bronze_rows where " ~ scope ~ ") dbt_subquery") }}
    {%- elif where -%}
        {{ return("(select * from " ~ relation ~ " where " ~ where ~ ") dbt_subquery") }}
    {%- else -%}
        {{ return(relation) }}
    {%- endif -%}
{%- endmacro %}
