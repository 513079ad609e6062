{#- After a data test ran (the project's `test` materialization): a pass - no warning, no
    error by its thresholds - is recorded under its inputs' state (data_test_unchanged_inputs)
    in ops.data_test_passes, replacing the test's earlier record; a warning or a failure
    removes the record, so the test runs on every build until it passes. Nothing without a
    state (an input outside silver and gold, `dbt test` alone, ...). Committed with the
    test's statements. -#}
{% macro data_test_record(unchanged, outcome) %}
    {%- if unchanged.state is none -%}{{ return(none) }}{%- endif -%}
    {%- set passed = not outcome[1] and not outcome[2] -%}
    {% call statement('data_test_record') -%}
        delete from ops.data_test_passes where test = {{ sql_string(model.unique_id) }};
        {%- if passed %}
        insert into ops.data_test_passes (test, state, invocation_id, passed_at)
        values ({{ sql_string(model.unique_id) }}, {{ sql_string(unchanged.state) }},
            {{ sql_string(invocation_id) }}, now());
        {%- endif %}
    {%- endcall %}
    {{ adapter.commit() }}
{% endmacro %}
