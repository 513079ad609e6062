{#- SQL (text) of a scalar subquery: the DuckDB type of `column` (any case) of the table of
    graph node `node`, NULL when it has no such column. -#}
{% macro _column_type_sql(node, column) %}
    {{ return("(select any_value(data_type) from duckdb_columns() where database_name = " ~ sql_string(node.database)
        ~ " and schema_name = " ~ sql_string(node.schema) ~ " and table_name = " ~ sql_string(node.alias or node.name)
        ~ " and lower(column_name) = " ~ sql_string(column | lower) ~ ")") }}
{% endmacro %}
