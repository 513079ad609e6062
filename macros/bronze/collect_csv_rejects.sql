{#- Lines that DuckDB's CSV reader rejected, for the sources read as text (POS CSV,
    clickstream JSONL), and the record numbers bronze shares with them.

    `collect_csv_rejects` is the rejects model's pre-hook: for every file of every source
    table it runs one scan with the source's own reader options and `store_rejects=true`,
    reading every column (so every field is validated), into fresh temporary reject
    tables, and keeps each file's parsed rows next to our own count of its records
    (`record_accounting`). One scan per file, because a multi-file scan can lose an
    unterminated quote at the end of a file without recording it. `csv_rejects_query` selects those tables.
    The bronze views parse the same files with the same options, so a record is either a
    bronze row or a reject; `record_numbering` gives bronze rows the record numbers the
    rejects use. -#}
{% macro collect_csv_rejects(source_name) %}
    {#- scans exactly the files the counted-files model counted (a file landed since is not
        scanned here, and bronze stops on it) -#}
    {%- set statements = [] -%}
    {%- if execute -%}
        {%- set planned = none -%}
        {%- if bronze_is_incremental_model() -%}
            {#- incremental bronze: scan only the new and changed files (bronze_file_plan) -#}
            {%- set planned = bronze_file_plan(source_name) -%}
        {%- endif -%}
        {%- do statements.append(_record_counts_create(source_name, planned)) -%}
        {%- set counted = run_query(
            "select entity, file_path from " ~ ref(csv_source_tables(source_name).counted_files_model)
            ~ (" where file_path in (" ~ _sql_strings(planned) ~ ")" if planned is not none else "")
            ~ " order by entity, file_path") -%}
        {#- a file to read that the counted-files model has not counted would be recorded as read
            with its rejects never collected: stop, naming it, as the record models do -#}
        {%- set counted_paths = counted.columns[1].values() | list -%}
        {%- set uncounted = [] -%}
        {%- for file in (planned or []) | unique if file not in counted_paths -%}{%- do uncounted.append(file) -%}{%- endfor -%}
        {%- if uncounted -%}
            {%- set counter = csv_source_tables(source_name).counted_files_model -%}
            {{ exceptions.raise_compiler_error(uncounted | length ~ " file(s) landed after " ~ counter
                ~ " counted the landing zone, so their rejected lines cannot be collected (a drop landed while"
                ~ " dbt build ran, or --select left " ~ counter ~ " out): " ~ uncounted[:3] | join(", ")
                ~ "; run dbt build again (with --select, include +" ~ model.name ~ ").") }}
        {%- endif -%}
    {%- endif -%}
    {%- for table in csv_source_tables(source_name).tables -%}
        {%- set relation = landing_source(source_name, table) -%}
        {%- if not execute or not source_enabled(source_name) -%}{%- continue -%}{%- endif -%}
        {%- do assert_landing_source(source_name, table) -%}
        {%- set names = _reject_table_names(relation) -%}
        {%- do statements.append("drop table if exists temp.main." ~ names[0]) -%}
        {%- do statements.append("drop table if exists temp.main." ~ names[1]) -%}
        {%- set files = [] -%}
        {%- for row in counted.rows if row[0] == table -%}{%- do files.append(row[1]) -%}{%- endfor -%}
        {%- for layout in landing_file_layouts(source_name, table, files) -%}
            {%- do statements.append(_record_count_update(source_name, table, layout.file,
                "select count(*) from " ~ landing_csv_read(source_name, table, sql_string(layout.file), layout.columns)
                ~ " as landed where md5(cast(landed as varchar)) is not null")) -%}
        {%- endfor -%}
    {%- endfor -%}
    {{ return(statements | join(";\n")) }}
{% endmacro %}
