{#- DuckDB has no zero-copy clone across files: the table is copied, columns and types as
    they are in the state's warehouse (attached by the `clone` target of profiles.yml);
    materialization clone (DuckDB) calls it. -#}
{% macro duckdb__create_or_replace_clone(this_relation, defer_relation) %}
    create or replace table {{ this_relation.render() }} as
    select * from {{ defer_relation.render() }}
{% endmacro %}
