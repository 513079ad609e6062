{% macro _assert_landing_entries(root, relative) %}
    {#- lstat-only walk of what the relative glob matches (the plugin sees what glob() skips) -#}
    {%- set memo = node_memo() -%}
    {%- if 'landing_guard_registered' not in memo -%}
        {%- do memo.update({'landing_guard_registered': run_query(
            "select count(*) from duckdb_functions() where function_name = 'aethermart_landing_tree_problem'"
        ).columns[0].values()[0] > 0}) -%}
    {%- endif -%}
    {%- if not memo['landing_guard_registered'] -%}
        {{ exceptions.raise_compiler_error(
            "The dbt-duckdb plugin aethermart.dbt_plugins.landing_guard is not registered: add "
            ~ "`- module: aethermart.dbt_plugins.landing_guard` under `plugins:` of the profile "
            ~ "(see profiles.yml); it checks landing files before they are read.") }}
    {%- endif -%}
    {%- set problem = run_query(
        "select aethermart_landing_tree_problem(" ~ sql_string(root) ~ ", " ~ sql_string(relative) ~ ")"
    ).columns[0].values()[0] -%}
    {%- if problem -%}
        {{ exceptions.raise_compiler_error(problem) }}
    {%- endif -%}
{% endmacro %}
