{#- The cleaning rules that are DuckDB functions (scalar macros, CREATE MACRO) instead of SQL
    written out at every use. Their SQL is long: parse_timestamp expands to ~11 KB and
    parse_date, which repeats it, to ~21 KB, so the POS orders model compiled to 63 KB, most
    of it three date columns, and dbt re-reads the compiled SQL of every unit test (sqlparse)
    before it runs or skips it. As functions, a use compiles to one call.
    Name -> the macro that writes the function's body for an argument expression, in
    dependency order (a body may call a function listed before it). The on-run-start hook
    create_duckdb_functions creates each one in schema main of the warehouse, named by
    duckdb_function_name after the hash of its body: a changed body is a new function with a
    new name, so every model that calls it has new compiled SQL, and its fingerprint (kept
    tables, rebuilds by key) and the unit tests' code fingerprint see the change like any
    other change of code. -#}
{% macro duckdb_functions() -%}
    {{ return({
        'parse_timestamp': _parse_timestamp_sql,
        'parse_date': _parse_date_sql,
    }) }}
{%- endmacro %}

{#- The name of the function's one parameter in its DuckDB body. -#}
{% macro duckdb_function_parameter() -%}
    {{ return('text_value') }}
{%- endmacro %}

{#- The SQL body of a function of duckdb_functions(), over its parameter. -#}
{% macro duckdb_function_body(name) -%}
    {{ return(duckdb_functions()[name](duckdb_function_parameter()) | string) }}
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

{#- A call of the function `name` of duckdb_functions() on a SQL expression. -#}
{% macro duckdb_function(name, expression) -%}
    {{- duckdb_function_name(name) }}({{ expression }})
{%- endmacro %}
