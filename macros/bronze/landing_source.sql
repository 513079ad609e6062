{#- The reader call a landing source stands for: its external_location, whose path is
    written relative to the landing root (`'pos/load_date=*/product.csv'`), with that path
    joined to `landing_path()` at run time. The root is decided here, not in the sources
    YAML, so no rendered config depends on the environment: changing the landing zone
    neither forces dbt to re-parse the sources nor marks them `state:modified`. An absolute
    path in a location is left as written. Calls source(), so lineage is unchanged. -#}
{% macro landing_source(source_name, table_name) %}
    {%- set location = source(source_name, table_name) | string -%}
    {%- if not execute -%}
        {{ return(location) }}  {#- parsing: source() only records the dependency -#}
    {%- endif -%}
    {{ return(landing_rooted_location(location)) }}
{% endmacro %}
