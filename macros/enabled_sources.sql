{#- Which source systems feed this build: the var `enabled_sources` (default all three,
    dbt_project.yml), e.g. --vars '{enabled_sources: [mariadb, events]}'. A system switched
    off is never read: assert_landing_source checks nothing for it, its bronze models select
    from `landing_select`, which is then an empty relation with the columns and types the
    reader would give, and silver and gold build from what is present. -#}
{% macro enabled_sources() %}
    {%- set known = ['pos', 'mariadb', 'events'] -%}
    {%- set value = var('enabled_sources', known) -%}
    {%- if value is string -%}
        {#- from the command line as a comma-separated string: `pos,events` -#}
        {%- set value = value.split(',') | map('trim') | reject('equalto', '') | list -%}
    {%- endif -%}
    {%- set unknown = [] -%}
    {%- for name in value if name not in known -%}{%- do unknown.append(name | string) -%}{%- endfor -%}
    {%- if unknown or value | length == 0 -%}
        {{ exceptions.raise_compiler_error(
            "var enabled_sources = " ~ escaped_excerpt(value | join(',') if value is iterable else value | string, 120)
            ~ ": " ~ ("unknown source system(s) " ~ escaped_excerpt(unknown | join(', '), 120) if unknown else "no source system")
            ~ "; list one or more of " ~ known | join(', ') ~ ".") }}
    {%- endif -%}
    {{ return(known | select('in', value) | list) }}
{% endmacro %}


{% macro source_system_of(source_name) %}
    {#- the source system a dbt source belongs to (the manifests come with the extractions) -#}
    {{ return({'mariadb_extractions': 'mariadb'}.get(source_name, source_name)) }}
{% endmacro %}


{% macro source_enabled(source_name) %}
    {{ return(source_system_of(source_name) in enabled_sources()) }}
{% endmacro %}


{#- The relation a bronze model reads, as its import CTE's whole query: `select * from
    <source>` (`with ordinality` for text sources) when the source's system is enabled, else
    an empty relation with the same columns and types. `relation` (default the source
    itself) lets a model read the source through another reader call; source() is always
    called, so lineage is the same either way. -#}
{% macro landing_select(source_name, table_name, ordinality=false, relation=none) %}
    {%- set landed = source(source_name, table_name) -%}
    {%- set read = relation if relation is not none else landed -%}
    {%- if source_enabled(source_name) -%}
        {{ return("select * from " ~ read ~ (" with ordinality" if ordinality else "")) }}
    {%- endif -%}
    {{ return(absent_source_select(source_name, table_name, ordinality)) }}
{% endmacro %}


{#- An empty select with the columns and types a source's reader returns: the declared
    columns (text for CSV and JSON lines, which are read as text; else the column's
    `data_type` in the sources YAML), then the reader's own columns in its order. -#}
{% macro absent_source_select(source_name, table_name, ordinality=false) %}
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
    {{ return("-- source " ~ source_name ~ " is switched off (var enabled_sources): no rows\n"
        ~ "    select " ~ columns | join(", ") ~ " where false") }}
{% endmacro %}
