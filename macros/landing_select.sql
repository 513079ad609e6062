{#- The relation a bronze model reads, as its import CTE's whole query: `select * from
    <source>` (`with ordinality` for text sources; a CSV source through landing_csv_scan,
    which maps each file's own header onto the contract) when the source's system is enabled, else
    an empty relation with the same columns and types. `relation` (default the source
    itself) lets a model read the source through another reader call; source() is always
    called, so lineage is the same either way. -#}
{% macro landing_select(source_name, table_name, ordinality=false, relation=none) %}
    {%- set landed = landing_source(source_name, table_name) -%}
    {%- set read = relation if relation is not none else landed -%}
    {%- if source_enabled(source_name) -%}
        {%- if relation is none and ordinality and _landing_format(source_name, table_name) == 'csv' -%}
            {#- CSV: read each file by its own header (landing_csv_scan adds the ordinality) -#}
            {{ return("select * from " ~ landing_csv_scan(source_name, table_name)) }}
        {%- endif -%}
        {%- if relation is none and bronze_is_incremental_model() -%}
            {#- incremental bronze: only the new and changed files (bronze_file_plan) -#}
            {%- set files = bronze_file_plan(source_name, table_name) -%}
            {%- if not files -%}
                {{ return(absent_source_select(source_name, table_name, ordinality, reason='no new or changed file')) }}
            {%- endif -%}
            {%- set read = landing_location_with_paths(landed | string, files) -%}
        {%- endif -%}
        {{ return("select * from " ~ read ~ (" with ordinality" if ordinality else "")) }}
    {%- endif -%}
    {{ return(absent_source_select(source_name, table_name, ordinality)) }}
{% endmacro %}


{#- An empty select with the columns and types a source's reader returns: the declared
    columns (text for CSV and JSON lines, which are read as text; else the column's
    `data_type` in the sources YAML), then the reader's own columns in its order. -#}
{% macro absent_source_select(source_name, table_name, ordinality=false, reason=none) %}
    {%- if not execute -%}
        {{ return("select 1 as placeholder where false") }}
    {%- endif -%}
    {%- set node = graph.sources.values()
        | selectattr('source_name', 'equalto', source_name)
        | selectattr('name', 'equalto', table_name) | first -%}
    {%- set landing_format = node.meta.get('landing_format') -%}
    {%- set columns = [] -%}
    {%- for column in node.columns.values() -%}
        {%- set data_type = 'varchar' if landing_format in ['csv', 'jsonl'] else column.data_type -%}
        {%- if not data_type -%}
            {{ exceptions.raise_compiler_error(
                "Source " ~ source_name ~ "." ~ table_name ~ " column " ~ column.name ~ " has no data_type: "
                ~ "declare it in the sources YAML, so the source can be switched off (enabled_sources) "
                ~ "with a typed empty relation.") }}
        {%- endif -%}
        {%- do columns.append("cast(null as " ~ data_type ~ ") as " ~ adapter.quote(column.name)) -%}
    {%- endfor -%}
    {%- set reader_columns = {
        'csv': [['filename', 'varchar'], ['load_date', 'varchar']],
        'jsonl': [['filename', 'varchar'], ['date', 'varchar']],
        'parquet': [['file_row_number', 'bigint'], ['filename', 'varchar'], ['extraction_id', 'varchar']],
        'json': [['filename', 'varchar']],
    }[landing_format] -%}
    {%- for name, data_type in reader_columns -%}
        {%- do columns.append("cast(null as " ~ data_type ~ ") as " ~ adapter.quote(name)) -%}
    {%- endfor -%}
    {%- if ordinality -%}
        {%- do columns.append("cast(null as bigint) as ordinality") -%}
    {%- endif -%}
    {{ return("-- source " ~ source_name ~ "." ~ table_name ~ (": " ~ reason if reason else " is switched off (var enabled_sources)") ~ ": no rows\n"
        ~ "    select " ~ columns | join(", ") ~ " where false") }}
{% endmacro %}


{% macro _landing_format(source_name, table_name) %}
    {%- if not execute -%}{{ return(none) }}{%- endif -%}
    {%- set node = graph.sources.values()
        | selectattr('source_name', 'equalto', source_name)
        | selectattr('name', 'equalto', table_name) | first -%}
    {{ return(node.meta.get('landing_format')) }}
{% endmacro %}
