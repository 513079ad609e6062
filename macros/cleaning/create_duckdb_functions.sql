{#- on-run-start hook: creates every function of duckdb_functions() in schema main of the
    warehouse, where any reader of it finds them (a model's table, a view, `dbt show` after
    a build). `if not exists`: a name is the hash of its body, so a function that exists is
    already the one this code writes, and a build under the same code changes nothing. A
    function of this form (`aethermart_<rule>_<12 hex digits>`) that this code no longer
    writes (its body changed) is dropped. `dbt show` runs no hooks and creates the missing
    ones itself (duckdb_function); compile, run-operation and docs generate create none. -#}
{% macro create_duckdb_functions() -%}
    {%- set current = [] -%}
    {%- for name in duckdb_functions() -%}
        {%- do current.append(duckdb_function_name(name)) -%}
    {%- endfor %}
    {{ duckdb_functions_ddl() }}
    {%- if execute %}
        {%- set found = run_query(
            "select function_name from duckdb_functions() where database_name = current_database() "
            ~ "and schema_name = 'main' and function_type = 'macro' "
            ~ "and regexp_full_match(function_name, 'aethermart_[a-z0-9_]+_[0-9a-f]{12}')") -%}
        {%- for stale in found.columns[0].values() | reject('in', current) | unique | sort %}
    drop macro if exists main.{{ stale }};
        {%- endfor %}
    {%- endif %}
{%- endmacro %}

{#- `create macro if not exists` of every function of duckdb_functions(), in their order. -#}
{% macro duckdb_functions_ddl() -%}
    {%- for name in duckdb_functions() %}
    create macro if not exists main.{{ duckdb_function_name(name) }}({{ duckdb_function_parameter() }}) as (
        {{ duckdb_function_body(name) }}
    );
    {%- endfor %}
{%- endmacro %}
