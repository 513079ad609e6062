{#- Whether the unit test being run passed before under this invocation's code fingerprint
    (the DuckDB variable aethermart_code_fingerprint, plugin
    aethermart.dbt_plugins.code_fingerprint) with the same column names and types of the
    relations it depends on (dbt types its fixtures by them: _unit_test_input_columns), per
    ops.unit_test_passes (unit_tests_passed): the `unit` materialization then does not run it
    again. False with --full-refresh, --empty or the full sweep (full_test_sweep), without a
    fingerprint, or when it failed, warned (a warning is shown again) or errored since. -#}
{% macro unit_test_passed_before() %}
    {%- if flags.FULL_REFRESH or flags.EMPTY or full_test_sweep() or adapter.get_relation(database=target.database,
        schema='ops', identifier='unit_test_passes') is none -%}
        {{ return(false) }}
    {%- endif -%}
    {% call statement('unit_test_passed_before', fetch_result=True) -%}
        select count(*) > 0 from ops.unit_test_passes
        where test = {{ sql_string(model.unique_id) }}
            and code_fingerprint = getvariable('aethermart_code_fingerprint')
            and input_columns = {{ _unit_test_input_columns(model) }}
    {%- endcall %}
    {{ return(load_result('unit_test_passed_before').table.rows[0][0]) }}
{% endmacro %}
