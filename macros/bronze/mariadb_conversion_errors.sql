{#- The `_conversion_errors` of a MariaDB landing source's rows: for each row, the columns
    whose landed text did not convert to their declared type (`data_type` in the sources
    YAML), with the original text. Extractions of tables without a declared contract (and
    generated landing zones) have no such column, and a switched-off MariaDB (enabled_sources)
    has no files: their rows get an empty list. -#}
{% macro mariadb_conversion_errors(table_name, has_files=true) -%}
    {%- set empty = 'cast([] as struct("column" varchar, "value" varchar)[])' -%}
    {%- set present = false -%}
    {%- if execute and has_files and source_enabled('mariadb') -%}
        {%- set paths = sql_string(landing_location_glob(landing_source('mariadb', table_name))) -%}
        {%- if bronze_is_incremental_model() -%}
            {#- incremental bronze: the files this run reads (bronze_file_plan) -#}
            {%- set paths = "[" ~ _sql_strings(bronze_file_plan('mariadb', table_name)) ~ "]" -%}
        {%- endif -%}
        {%- set present = paths != "[null]" and run_query(
            "select count(*) > 0 from parquet_schema(" ~ paths ~ ") "
            ~ "where name = '_conversion_errors'").columns[0].values()[0] -%}
    {%- endif -%}
    {%- if present -%}
        coalesce(_conversion_errors, {{ empty }})
    {%- else -%}
        {{ empty }}
    {%- endif -%}
{%- endmacro %}
