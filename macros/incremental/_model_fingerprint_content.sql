{% macro _model_fingerprint_content(relation) %}
    {#- a SQL expression (text) for what a table holds: its row count, the sum of its rows'
        hashes (a row's hash covers every value; the sum is order-free and, unlike xor, sees
        a duplicated row) and an md5 of its columns' names and types in order (a row's hash
        does not see names). Cost: one scan, ~1 s for every silver and gold table of scale 1 -
        measured in docs/layers.md. -#}
    {{ return("((select count(*) || ':' || coalesce(sum(hash(content_rows)), 0) from " ~ relation ~ " as content_rows)"
        ~ " || ':' || (select coalesce(md5(string_agg(column_name || ' ' || data_type, ',' order by column_index)), '-')"
        ~ " from duckdb_columns() where database_name = " ~ sql_string(relation.database)
        ~ " and schema_name = " ~ sql_string(relation.schema)
        ~ " and table_name = " ~ sql_string(relation.identifier) ~ "))") }}
{% endmacro %}
