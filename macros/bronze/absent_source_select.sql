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
