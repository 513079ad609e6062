{% macro counted_files_query(source_name) %}
    {#- The counted-files model's query: one row per landed file of every text table of the
        source, with our own count of its records (`aethermart_count_records`), taken after
        the landing guard's checks and before DuckDB reads the file, and the columns the
        readers read it with (`landing_file_layouts`: contract names in the file's order). -#}
    {%- set selects = [] -%}
    {%- for table in csv_source_tables(source_name).tables -%}
        {%- set relation = landing_source(source_name, table) -%}
        {%- if not execute or not source_enabled(source_name) -%}{%- continue -%}{%- endif -%}
        {%- do assert_landing_source(source_name, table) -%}
        {%- set location = relation | string -%}
        {%- set options = _reader_options(source_name, table, location) -%}
        {%- set pattern = landing_source_glob(source_name, table) -%}
        {%- if bronze_is_incremental_model() -%}
            {#- incremental bronze: count only the new and changed files (bronze_file_plan) -#}
            {%- set files = bronze_file_plan(source_name, table) -%}
        {%- else -%}
            {%- set files = run_query("select file from glob(" ~ sql_string(pattern) ~ ") order by file").columns[0].values() -%}
        {%- endif -%}
        {%- for layout in landing_file_layouts(source_name, table, files) -%}
            {%- set read_columns = [] -%}
            {%- for column in landing_read_columns(layout.columns) -%}{%- do read_columns.append(sql_string(column)) -%}{%- endfor -%}
            {%- do selects.append(
                "select '" ~ table ~ "' as entity, " ~ sql_string(layout.file) ~ " as file_path, "
                ~ options.max_line_size ~ " as max_line_size, aethermart_count_records(" ~ sql_string(layout.file)
                ~ ", " ~ options.quote ~ ", " ~ options.delimiter ~ ", " ~ options.header ~ ", "
                ~ options.skip_blank_lines ~ ") as counted, [" ~ read_columns | join(", ") ~ "]::varchar[] as read_columns") -%}
        {%- endfor -%}
    {%- endfor -%}
    {%- if not selects -%}
        {%- do selects.append("select cast(null as varchar) as entity, cast(null as varchar) as file_path, "
            ~ "cast(null as integer) as max_line_size, cast(null as struct(records bigint, longest_record bigint, "
            ~ "longest_record_bytes bigint)) as counted, cast(null as varchar[]) as read_columns where false") -%}
    {%- endif -%}
    select
        entity,
        file_path,
        counted.records as counted_records,
        counted.longest_record as longest_record,
        counted.longest_record_bytes as longest_record_bytes,
        max_line_size,
        read_columns
    from (
        {{ selects | join("\n        union all\n        ") }}
    ) as files
{% endmacro %}
