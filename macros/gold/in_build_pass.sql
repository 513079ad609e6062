{#- True for the rows of the current pass of a `bucketed_table` build, two DuckDB variables
    deciding: `aethermart_bucket` (a pass of the full build: hash(column) modulo the model's
    `buckets` equals it) and `aethermart_build_keys` (a rebuild of the documents whose inputs
    changed, `rebuild_by_key`: column is in that list). Outside such a build (dbt unit tests,
    `dbt show`, compiled SQL run by hand) both are unset and every row passes. -#}
{% macro in_build_pass(column) -%}
    {%- set buckets = config.get('buckets', 1) | int -%}
    hash({{ column }}) % {{ buckets }} = coalesce(getvariable('aethermart_bucket'), hash({{ column }}) % {{ buckets }})
    and (
        getvariable('aethermart_build_keys') is null
        or {{ column }} in (select unnest(getvariable('aethermart_build_keys')))
    )
{%- endmacro %}
