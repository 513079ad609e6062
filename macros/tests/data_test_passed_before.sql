{#- The invocation in which the data test being run passed on inputs with the same recorded
    content as now, under this invocation's code fingerprint and with the same compiled SQL
    (ops.data_test_passes, written by data_tests_passed), every input checked by this
    invocation (built, kept after comparing, or compared by a reader); none - run it - for a
    test that is not reusable (data_test_is_reusable), on a first run, changed inputs, other
    code or SQL, after a failure or warning, an input this invocation did not check (`dbt
    test` alone runs every test), a deferred input, --empty, --full-refresh (which rebuilds
    and tests everything), or the full sweep (--vars '{full_test_sweep: true}', what CI runs). -#}
{% macro data_test_passed_before() %}
    {%- if flags.EMPTY or flags.FULL_REFRESH or full_test_sweep() or not data_test_is_reusable(model, sql) -%}
        {{ return(none) }}
    {%- endif -%}
    {%- for input_id in model.depends_on.nodes -%}
        {%- set node = graph.nodes[input_id] -%}
        {%- if node.database != target.database or _model_fingerprint_deferred(node) is not none -%}
            {{ return(none) }}
        {%- endif -%}
    {%- endfor -%}
    {%- if adapter.get_relation(database=target.database, schema='ops', identifier='data_test_passes') is none -%}
        {{ return(none) }}
    {%- endif -%}
    {% call statement('data_test_passed_before', fetch_result=True) -%}
        select passes.invocation_id from ops.data_test_passes as passes
        inner join ({{ _data_test_inputs([model.unique_id]) }}) as now
            on now.test = passes.test and now.inputs = passes.inputs
        where passes.code_fingerprint = getvariable('aethermart_code_fingerprint')
            and passes.sql_hash = {{ sql_string(local_md5(sql)) }}
    {%- endcall %}
    {%- set found = load_result('data_test_passed_before').table.columns[0].values() -%}
    {{ return(found[0] if found | length > 0 else none) }}
{% endmacro %}
