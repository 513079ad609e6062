{#- dbt's safe_cast on DuckDB: try_cast, NULL instead of an error. -#}
{% macro duckdb__safe_cast(field, type) -%}
    try_cast({{ field }} as {{ type }})
{%- endmacro %}
