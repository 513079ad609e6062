{#- A landing source's reader call with its path joined to the landing root: the rendered
    external_location `read_csv('pos/load_date=*/product.csv', …)` becomes
    `read_csv('<landing_path()>/pos/load_date=*/product.csv', …)`. An absolute path is left
    as written. Used by landing_source (models) and collect_freshness (`dbt source
    freshness`), which both read the location of the source relation. -#}
{% macro landing_rooted_location(location) %}
    {%- set path = landing_location_glob(location) -%}
    {%- if path.startswith('/') -%}
        {{ return(location) }}
    {%- endif -%}
    {{ return(location.replace(sql_string(path), sql_string(landing_path() ~ '/' ~ path), 1)) }}
{% endmacro %}
