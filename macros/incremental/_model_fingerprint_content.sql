{% macro _model_fingerprint_content(relation, counted=none, counted_sql=none) %}
    {#- a SQL expression (text) for what a table holds: its row count, the sum of its rows'
        hashes (a row's hash covers every value; the sum is order-free and, unlike xor, sees
        a duplicated row) and an md5 of its columns' names and types in order (a row's hash
        does not see names). Cost: one scan, ~1 s for every silver and gold table of scale 1 -
        measured in docs/layers.md. `counted`: the row count and hash sum ('<count>:<sum>',
        text) when the caller has them from a scan of its own; only the columns are read.
        `counted_sql`: the same as an SQL expression (over a temp table of the caller's). -#}
    {%- if counted_sql is not none -%}
        {%- set rows_part = "(" ~ counted_sql ~ ")" -%}
    {%- elif counted is not none -%}
        {%- set rows_part = sql_string(counted) -%}
    {%- else -%}
        {%- set rows_part = "(select count(*) || ':' || coalesce(sum(hash(content_rows)), 0) from " ~ relation
            ~ " as content_rows)" -%}
    {%- endif -%}
    {{ return("(" ~ rows_part
        ~ " || ':' || (select coalesce(md5(string_agg(column_name || ' ' || data_type, ',' order by column_index)), '-')"
        ~ " from duckdb_columns() where database_name = " ~ sql_string(relation.database)
        ~ " and schema_name = " ~ sql_string(relation.schema)
        ~ " and table_name = " ~ sql_string(relation.identifier) ~ "))") }}
{% endmacro %}
