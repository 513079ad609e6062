{#- Whether the unit test being run passed in its newest run under this invocation's code
    fingerprint (the DuckDB variable aethermart_code_fingerprint, plugin
    aethermart.dbt_plugins.code_fingerprint), per the build record (ops.dbt_node_results of
    finished invocations): the `unit` materialization then does not run it again. False with
    --full-refresh or the full sweep (full_test_sweep), without a fingerprint, without a build record, or when
    its newest run there failed, warned (a warning is shown again) or errored. -#}
{% macro unit_test_passed_before() %}
    {%- if flags.FULL_REFRESH or full_test_sweep() or adapter.get_relation(database=target.database, schema='ops',
        identifier='dbt_node_results') is none -%}
        {{ return(false) }}
    {%- endif -%}
    {% call statement('unit_test_passed_before', fetch_result=True) -%}
        select coalesce(arg_max(results.status, invocations.started_at) = 'pass', false)
        from ops.dbt_node_results as results
        inner join ops.dbt_invocations as invocations using (invocation_id)
        where results.unique_id = {{ sql_string(model.unique_id) }}
            and results.status != 'skipped'
            and invocations.status != 'running'
            and invocations.code_fingerprint = getvariable('aethermart_code_fingerprint')
    {%- endcall %}
    {{ return(load_result('unit_test_passed_before').table.rows[0][0]) }}
{% endmacro %}
