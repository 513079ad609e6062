{#- What the data test being run checks when it can check merged tables by their changed keys
    only: {'keys': how many keys, 'relations': the ops keys of the tables whose last merge it
    checks, 'tested': the tested model's}, or none - every row. It does when its compiled SQL holds the filter of
    changed_rows_test_scope and it passed, under this code fingerprint and with the same
    compiled SQL (ops.data_test_passes), on inputs each of which either holds that content
    still or is a table of the scope (_changed_rows_scope) whose last merge started from it
    (ops.model_changes: the content before, from the merge's own scan, so a table edited outside
    dbt since the pass is not taken for it; ops.model_changed_columns: the merge logged its
    key), the table still holding what that merge left (ops.model_fingerprints names the
    merge's invocation as its writer) - at least one such merge - and this invocation checked
    every input. A parent's merged keys count only when the child's column has the parent key's
    type (their hashes are then of the same values). The rows of the keys the merges left alone
    are then the rows the test passed on. Every row is checked under --empty, --full-refresh,
    the full sweep, with a deferred input, on a first run, after a failure or warning (the test
    forgets its pass), after a build that did not merge (a whole rebuild), or when a build
    between the pass and now merged without running the test (the content before is then
    another), or with a `fail_calc` other than dbt's `count(*)`. The caller sets the test's
    connection's variable aethermart_test_scope to the test's id for the run. -#}
{% macro data_test_changed_rows_scope() %}
    {%- if flags.EMPTY or flags.FULL_REFRESH or full_test_sweep() or not data_test_is_reusable(model, sql) -%}
        {{ return(none) }}
    {%- endif -%}
    {#- a pass is a count of 0 failing rows only with dbt's default fail_calc: another one
        (failures tolerated, `greatest(count(*) - 4, 0)`) over some of the rows is not the
        test over all of them -#}
    {%- if (config.get('fail_calc') or 'count(*)') | replace(' ', '') | lower != 'count(*)' -%}
        {{ return(none) }}
    {%- endif -%}
    {%- set scope = _changed_rows_scope(model) -%}
    {%- if scope is none or _changed_rows_predicate(model.unique_id, scope) not in sql -%}
        {{ return(none) }}
    {%- endif -%}
    {%- set child = scope['model'] -%}
    {#- per merged table of the scope: the child's column that holds its keys -#}
    {%- set scoped_columns = {} -%}
    {%- for column, scoped in scope['keys'] -%}
        {%- do scoped_columns.update({scoped.unique_id: column}) -%}
    {%- endfor -%}
    {%- set tested = [] -%}
    {%- for input_id in model.depends_on.nodes | unique | sort -%}
        {%- set node = graph.nodes[input_id] -%}
        {%- if node.database != target.database or _model_fingerprint_deferred(node) is not none -%}
            {{ return(none) }}
        {%- endif -%}
        {%- set relation = api.Relation.create(database=node.database, schema=node.schema, identifier=node.alias or node.name) -%}
        {#- the key column the input's merge logged, and whether the child's column holds its
            values with its type -#}
        {%- if input_id not in scoped_columns -%}
            {%- set key_column, same_type = 'null', 'false' -%}
        {%- elif input_id == child.unique_id -%}
            {%- set key_column, same_type = sql_string(node.config.merge_changed_rows_by | lower), 'true' -%}
        {%- else -%}
            {%- set key_column = sql_string(node.config.merge_changed_rows_by | lower) -%}
            {%- set same_type = "coalesce(" ~ _column_type_sql(child, scoped_columns[input_id]) ~ " = "
                ~ _column_type_sql(node, node.config.merge_changed_rows_by) ~ ", false)" -%}
        {%- endif -%}
        {%- do tested.append("select " ~ sql_string(_model_fingerprint_key(relation)) ~ ", " ~ key_column ~ ", " ~ same_type) -%}
    {%- endfor -%}
    {%- set this_invocation = sql_string(invocation_id) -%}
    {% call statement('data_test_changed_rows_inputs', fetch_result=True) -%}
        select
            tested.relation,
            tested.relation || '=' || recorded.content_hash || ':' || recorded.row_count as now,
            case when tested.same_type and logged.column_name is not null
                then tested.relation || '=' || changes.before_content || ':' || changes.before_row_count end as before,
            coalesce(changes.changed_keys, 0) as changed_keys
        from ({{ tested | join(' union all ') }}) as tested(relation, key_column, same_type)
        left join ops.model_fingerprints as recorded
            on recorded.relation = tested.relation and recorded.content_hash is not null
            and (recorded.checked_invocation_id = {{ this_invocation }}
                or exists (select 1 from ops.model_input_checks as checks
                    where checks.relation = recorded.relation and checks.invocation_id = {{ this_invocation }}))
        left join ops.model_changes as changes
            on changes.relation = tested.relation and changes.invocation_id = recorded.invocation_id
        left join ops.model_changed_columns as logged
            on logged.relation = tested.relation and logged.invocation_id = changes.invocation_id
            and logged.is_key and logged.column_name = tested.key_column
        order by tested.relation
    {%- endcall %}
    {#- every combination of the inputs' contents as they are now or before their merge, with at
        least one merge: the pass must have been on one of them (the inputs in the order
        _data_test_inputs records them) -#}
    {%- set combinations = [{'inputs': [], 'keys': 0, 'relations': []}] -%}
    {%- for relation, now, before, changed_keys in load_result('data_test_changed_rows_inputs').table.rows -%}
        {%- if now is none -%}
            {{ return(none) }}
        {%- endif -%}
        {%- set extended = [] -%}
        {%- for combination in combinations -%}
            {%- do extended.append({'inputs': combination.inputs + [now], 'keys': combination['keys'],
                'relations': combination.relations}) -%}
            {%- if before is not none -%}
                {%- do extended.append({'inputs': combination.inputs + [before], 'keys': combination['keys'] + changed_keys,
                    'relations': combination.relations + [relation]}) -%}
            {%- endif -%}
        {%- endfor -%}
        {%- do combinations.clear() -%}
        {%- do combinations.extend(extended) -%}
    {%- endfor -%}
    {%- set merged = [] -%}
    {%- for combination in combinations if combination.relations -%}
        {%- do merged.append(combination) -%}
    {%- endfor -%}
    {%- if not merged -%}
        {{ return(none) }}
    {%- endif -%}
    {% call statement('data_test_changed_rows_scope', fetch_result=True) -%}
        select passes.inputs from ops.data_test_passes as passes
        where passes.test = {{ sql_string(model.unique_id) }}
            and passes.code_fingerprint = getvariable('aethermart_code_fingerprint')
            and passes.sql_hash = {{ sql_string(local_md5(sql)) }}
            and passes.inputs in ({% for combination in merged %}{{ sql_string(combination.inputs | join(',')) }}{{ ', ' if not loop.last }}{% endfor %})
    {%- endcall %}
    {%- set found = load_result('data_test_changed_rows_scope').table.columns[0].values() -%}
    {%- for combination in merged if found | length > 0 and combination.inputs | join(',') == found[0] -%}
        {%- set tested = api.Relation.create(database=child.database, schema=child.schema, identifier=child.alias or child.name) -%}
        {{ return({'keys': combination['keys'], 'relations': combination.relations, 'tested': _model_fingerprint_key(tested)}) }}
    {%- endfor -%}
    {{ return(none) }}
{% endmacro %}
