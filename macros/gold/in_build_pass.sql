{#- True for the rows of the current pass of a `bucketed_table` build: hash(column) modulo
    the model's `buckets` equals the DuckDB variable `aethermart_bucket`. Outside such a
    build (dbt unit tests, `dbt show`, compiled SQL run by hand) the variable is unset and
    every row passes. -#}
{% macro in_build_bucket(column) -%}
    {%- set buckets = config.get('buckets', 1) | int -%}
    hash({{ column }}) % {{ buckets }} = coalesce(getvariable('aethermart_bucket'), hash({{ column }}) % {{ buckets }})
{%- endmacro %}
