{% macro duckdb__get_where_subquery(relation) -%}
    {%- set where = config.get('where', '') -%}
    {#- a bronze table's rows of the files the test has not passed on; a table model's none
        when the test passed on the same rows under this code before -#}
    {%- set scope = bronze_test_scope(relation) or data_test_scope(relation) -%}
    {#- the scope names the relation's rows tested_rows (under --empty the relation is a subquery) -#}
    {%- if where and scope -%}
        {{ return("(select * from " ~ relation ~ " as tested_rows where (" ~ where ~ ") and " ~ scope ~ ") dbt_subquery") }}
    {%- elif scope -%}
        {{ return("(select * from " ~ relation ~ " as tested_rows where " ~ scope ~ ") dbt_subquery") }}
    {%- elif where -%}
        {{ return("(select * from " ~ relation ~ " where " ~ where ~ ") dbt_subquery") }}
    {%- else -%}
        {{ return(relation) }}
    {%- endif -%}
{%- endmacro %}
