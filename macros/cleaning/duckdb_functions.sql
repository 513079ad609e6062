{#- The cleaning rules that are DuckDB functions (scalar macros, CREATE MACRO) instead of SQL
    written out at every use. Their SQL is long: parse_timestamp expands to ~11 KB and
    parse_date, which repeats it, to ~21 KB, so the POS orders model compiled to 63 KB, most
    of it three date columns, and dbt re-reads the compiled SQL of every unit test (sqlparse)
    before it runs or skips it. As functions, a use compiles to one call.
    Their names, in dependency order (a body may call a function listed before it); the
    body of each is written by duckdb_function_body. The on-run-start hook
    create_duckdb_functions creates each one in schema main of the warehouse, named by
    duckdb_function_name after the hash of its body: a changed body is a new function with a
    new name, so every model that calls it has new compiled SQL, and its fingerprint (kept
    tables, rebuilds by key) and the unit tests' code fingerprint see the change like any
    other change of code. -#}
{% macro duckdb_functions() -%}
    {{ return(['parse_timestamp', 'parse_date']) }}
{%- endmacro %}

{#- The name of the function's one parameter in its DuckDB body. -#}
{% macro duckdb_function_parameter() -%}
    {{ return('text_value') }}
{%- endmacro %}

{#- The SQL body of a function of duckdb_functions(), over its parameter. Each body macro is
    called by name here, not looked up: dbt then sees it (and the macros it calls) as a
    dependency of every model that calls the function, so `state:modified` selects those
    models when a rule's SQL changes. -#}
{% macro duckdb_function_body(name) -%}
    {%- set parameter = duckdb_function_parameter() -%}
    {%- if name == 'parse_timestamp' -%}
        {{ return(_parse_timestamp_sql(parameter) | string) }}
    {%- elif name == 'parse_date' -%}
        {{ return(_parse_date_sql(parameter) | string) }}
    {%- endif -%}
    {{ exceptions.raise_compiler_error("no DuckDB function '" ~ name ~ "' in duckdb_function_body") }}
{%- endmacro %}

{#- `aethermart_<name>_<first 12 hex digits of the md5 of its body>`; computed once per node
    (a model that parses three columns renders the body once, not three times). -#}
{% macro duckdb_function_name(name) -%}
    {%- set memo = node_memo() -%}
    {%- set key = 'duckdb_function_name:' ~ name -%}
    {%- if key not in memo -%}
        {%- do memo.update({key: 'aethermart_' ~ name ~ '_' ~ local_md5(duckdb_function_body(name))[:12]}) -%}
    {%- endif -%}
    {{ return(memo[key]) }}
{%- endmacro %}

{#- A call of the function `name` of duckdb_functions() on a SQL expression. `dbt show` runs
    no hooks, so there it creates the functions this code calls when they are missing (a
    warehouse never built, a `dbt clone`, a rule edited since the last build), once per
    node, in the transaction of its query. -#}
{% macro duckdb_function(name, expression) -%}
    {%- if execute and flags.WHICH == 'show' -%}
        {%- set memo = node_memo() -%}
        {%- if 'duckdb_functions_created' not in memo -%}
            {#- first: a body calls duckdb_function too (parse_date calls parse_timestamp) -#}
            {%- do memo.update({'duckdb_functions_created': true}) -%}
            {%- do run_query(duckdb_functions_ddl()) -%}
        {%- endif -%}
    {%- endif -%}
    {{- duckdb_function_name(name) }}({{ expression }})
{%- endmacro %}
