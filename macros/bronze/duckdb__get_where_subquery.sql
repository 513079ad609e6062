{#- dbt's get_where_subquery (the relation a generic test reads, with its `where` config) plus
    the project's scopes: a bronze test's files not yet passed on (bronze_test_scope, rows
    named bronze_rows) or a merged table's changed keys (changed_rows_test_scope, rows named
    scoped_rows). -#}
{% macro duckdb__get_where_subquery(relation) -%}
    {%- set where = config.get('where', '') -%}
    {%- set scope = bronze_test_scope(relation) -%}
    {%- set alias = 'bronze_rows' -%}
    {%- if not scope -%}
        {%- set scope = changed_rows_test_scope(relation) -%}
        {%- set alias = 'scoped_rows' -%}
    {%- endif -%}
    {#- the scope names the relation's rows by its alias (under --empty the relation is a subquery) -#}
    {%- if where and scope -%}
        {{ return("(select * from " ~ relation ~ " as " ~ alias ~ " where (" ~ where ~ ") and " ~ scope ~ ") dbt_subquery") }}
    {%- elif scope -%}
        {{ return("(select * from " ~ relation ~ " as " ~ alias ~ " where " ~ scope ~ ") dbt_subquery") }}
    {%- elif where -%}
        {{ return("(select * from " ~ relation ~ " where " ~ where ~ ") dbt_subquery") }}
    {%- else -%}
        {{ return(relation) }}
    {%- endif -%}
{%- endmacro %}
