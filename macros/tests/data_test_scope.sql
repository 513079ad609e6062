{#- The filter a row-local data test on table models (data_test_is_row_local) gets: `false`
    (it reads no row, so it passes) when it passed before under this invocation's code
    fingerprint on inputs with the same recorded content as now, each checked by this
    invocation (ops.data_test_passes, written by data_tests_passed); empty (every row)
    otherwise: a first run, changed inputs, other code, a failure or warning since, an input
    this invocation did not build or compare (`dbt test` alone reads every row), a relation
    of another warehouse (--defer), --empty, or the full sweep (--vars '{full_test_sweep:
    true}', what CI runs). The decision is taken as the test is compiled, after its models
    ran, and the compiled SQL says which. Its result is the one the test gave on those same
    rows. -#}
{% macro data_test_scope(relation) %}
    {%- if not execute or flags.EMPTY or full_test_sweep() or model.resource_type != 'test'
        or relation.database != target.database or not data_test_is_row_local(model) -%}
        {{ return('') }}
    {%- endif -%}
    {%- for input_id in model.depends_on.nodes -%}
        {%- set node = graph.nodes[input_id] -%}
        {%- if node.database != target.database or _model_fingerprint_deferred(node) is not none -%}
            {{ return('') }}
        {%- endif -%}
    {%- endfor -%}
    {%- if adapter.get_relation(database=target.database, schema='ops', identifier='data_test_passes') is none -%}
        {{ return('') }}
    {%- endif -%}
    {%- set found = run_query("select passes.invocation_id from ops.data_test_passes as passes"
        ~ " inner join (" ~ _data_test_inputs([model.unique_id]) ~ ") as now on now.test = passes.test"
        ~ " and now.inputs = passes.inputs"
        ~ " where passes.code_fingerprint = getvariable('aethermart_code_fingerprint')").columns[0].values() -%}
    {%- if found | length == 0 -%}{{ return('') }}{%- endif -%}
    {{ return("false /* aethermart: passed on these same inputs under this code in invocation "
        ~ found[0] ~ ": no row is read again */") }}
{% endmacro %}
