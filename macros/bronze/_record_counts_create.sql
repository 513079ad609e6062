{% macro _record_counts_create(source_name, files=none) %}
    {#- the counts table, filled from the counted-files model (our count of every file,
        taken before DuckDB reads any of them); parsed_rows is set per file afterwards -#}
    {{ return(
        "create or replace temp table " ~ _record_counts_table(source_name) ~ " as select "
        ~ "entity, file_path, cast(null as bigint) as parsed_rows, max_line_size, "
        ~ "struct_pack(records := counted_records, longest_record := longest_record, "
        ~ "longest_record_bytes := longest_record_bytes) as counted "
        ~ "from " ~ ref(csv_source_tables(source_name).counted_files_model)
        ~ (" where file_path in (" ~ _sql_strings(files) ~ ")" if files is not none else "")) }}
{% endmacro %}
