{#- Whether the data test being run checks only its model's changed keys, and how many: the
    number of keys, or none - every row. It does when its compiled SQL holds the filter of
    changed_rows_test_scope and it passed, under this code fingerprint and with the same
    compiled SQL (ops.data_test_passes), on the very content its model's last merge started
    from (ops.model_changes: the content before, from the merge's own scan of the table,
    so a table edited outside dbt since the pass is not taken for it), the table still holds
    what that merge left (ops.model_fingerprints names the merge's invocation as its writer)
    and this invocation checked it. The rows of the keys the merge left alone are then the
    rows the test passed on. Every row is checked under --empty, --full-refresh, the full
    sweep, with a deferred input, on a first run, after a failure or warning (the test
    forgets its pass), after a build that did not merge (a whole rebuild), or when a build
    between the pass and now merged without running the test (the content before is then
    another). The caller sets the test's connection's variable aethermart_test_scope to the
    test's id for the run. -#}
{% macro data_test_changed_rows_scope() %}
    {%- if flags.EMPTY or flags.FULL_REFRESH or full_test_sweep() or not data_test_is_reusable(model, sql) -%}
        {{ return(none) }}
    {%- endif -%}
    {%- set node = _changed_rows_scope_node(model) -%}
    {%- if node is none or _changed_rows_predicate(model.unique_id, node) not in sql
        or node.database != target.database or _model_fingerprint_deferred(node) is not none -%}
        {{ return(none) }}
    {%- endif -%}
    {%- set relation = api.Relation.create(database=node.database, schema=node.schema, identifier=node.alias or node.name) -%}
    {% call statement('data_test_changed_rows_scope', fetch_result=True) -%}
        select changes.changed_keys from ops.model_changes as changes
        inner join ops.model_fingerprints as recorded
            on recorded.relation = changes.relation and recorded.invocation_id = changes.invocation_id
        inner join ops.data_test_passes as passes
            on passes.inputs = changes.relation || '=' || changes.before_content || ':' || changes.before_row_count
        inner join ({{ _data_test_inputs([model.unique_id]) }}) as now
            on now.test = passes.test
            and now.inputs = recorded.relation || '=' || recorded.content_hash || ':' || recorded.row_count
        where changes.relation = {{ sql_string(_model_fingerprint_key(relation)) }}
            and passes.test = {{ sql_string(model.unique_id) }}
            and passes.code_fingerprint = getvariable('aethermart_code_fingerprint')
            and passes.sql_hash = {{ sql_string(local_md5(sql)) }}
    {%- endcall %}
    {%- set found = load_result('data_test_changed_rows_scope').table.columns[0].values() -%}
    {{ return(found[0] if found | length > 0 else none) }}
{% endmacro %}
