{% macro _assert_parquet_columns(node, pattern, expected, quoted=false) %}
    {%- set paths = pattern if quoted else sql_string(pattern) -%}
    {%- set found = run_query(
        "select file_name, string_agg(lower(name), ',') as names from parquet_schema(" ~ paths ~ ") "
        ~ "group by file_name order by file_name") -%}
    {%- for row in found.rows -%}
        {%- set names = row[1].split(',') -%}
        {%- set missing = [] -%}
        {%- for column in expected if column | lower not in names -%}{%- do missing.append(column) -%}{%- endfor -%}
        {%- if missing -%}
            {{ exceptions.raise_compiler_error(
                "Parquet file " ~ escaped_excerpt(row[0], 300) ~ " is missing required column(s) "
                ~ missing | join(', ') ~ ".") }}
        {%- endif -%}
    {%- endfor -%}
    {%- set drift = run_query(
        "select lower(name), string_agg(distinct duckdb_type, ' vs ' order by duckdb_type) as types, min(file_name) as example "
        ~ "from parquet_schema(" ~ paths ~ ") where num_children is null "
        ~ "group by lower(name) having count(distinct duckdb_type) > 1") -%}
    {%- for row in drift.rows if row[0] in expected | map('lower') | list -%}
        {{ exceptions.raise_compiler_error(
            "Parquet files under " ~ escaped_excerpt(pattern, 300) ~ " disagree on the type of column " ~ row[0]
            ~ " (" ~ escaped_excerpt(row[1], 120) ~ "; e.g. " ~ escaped_excerpt(row[2], 300) ~ "). Re-extract the table or remove the "
            ~ "odd extraction.") }}
    {%- endfor -%}
{% endmacro %}
