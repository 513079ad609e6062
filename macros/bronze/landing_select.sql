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
