{% macro csv_rejects_query(source_name) %}
    {%- set selects = [] -%}
    {%- for table in csv_source_tables(source_name).tables -%}
        {%- set relation = landing_source(source_name, table) -%}
        {#- incremental bronze: a table none of whose files this run reads has no reject tables -#}
        {%- if execute and source_enabled(source_name)
            and (not bronze_is_incremental_model() or bronze_file_plan(source_name, table)) -%}
            {%- set names = _reject_table_names(relation) -%}
            {%- set location = relation | string -%}
            {%- set quote = modules.re.search("[(,\s]quote=('[^']*')", location) -%}
            {%- set delimiter = modules.re.search("[(,\s]delim=(e?'[^']*')", location) -%}
            {%- set node = graph.sources.values() | selectattr('source_name', 'equalto', source_name)
                | selectattr('name', 'equalto', table) | first -%}
            {%- do selects.append(
                "select '" ~ source_name ~ "' as source_system, '" ~ table ~ "' as entity, "
                ~ "scans.file_path, errors.line, errors.line_byte_position, "
                ~ "errors.error_type::varchar as error_type, "
                ~ "errors.column_name, errors.csv_line, errors.error_message, "
                ~ quote.group(1) ~ " as quote_character, " ~ delimiter.group(1) ~ " as delimiter, "
                ~ "cast(coalesce(len(counted.read_columns), " ~ (node.columns | length) ~ ") as integer) as column_count "
                ~ "from " ~ names[0] ~ " as errors inner join " ~ names[1] ~ " as scans "
                ~ "on errors.scan_id = scans.scan_id and errors.file_id = scans.file_id "
                ~ "left join " ~ ref(csv_source_tables(source_name).counted_files_model) ~ " as counted "
                ~ "on counted.entity = '" ~ table ~ "' and counted.file_path = scans.file_path") -%}
        {%- endif -%}
    {%- endfor -%}
    {%- if selects -%}
        {{ return(selects | join("\n    union all\n    ")) }}
    {%- else -%}
        {{ return("select null::varchar as source_system, null::varchar as entity, null::varchar as file_path, null::ubigint as line, null::ubigint as line_byte_position, null::varchar as error_type, null::varchar as column_name, null::varchar as csv_line, null::varchar as error_message, null::varchar as quote_character, null::varchar as delimiter, null::integer as column_count where false") }}
    {%- endif -%}
{% endmacro %}
