{#- Whether the data test being run may be left out: every relation it reads is a silver or
    gold table (a `table` or `bucketed_table` model) that this build wrote or kept after
    checking its content (ops.model_fingerprints' checked_invocation_id), and the test passed
    on exactly those tables - their fingerprint, writer and row count - under the same test
    SQL, config, DuckDB and dbt versions (ops.data_test_passes, data_test_record). The same
    SQL on the same tables gives the same result, so the pass stands. Returns {'skip': bool,
    'state': the inputs' state to record a pass under, or none (nothing recorded)}.
    Always run (state none): outside a build that wrote or kept every input (`dbt test` alone
    reads every row), a test with a source, seed, snapshot, view or bronze input (bronze tests
    have their own file scope, bronze_test_scope), SQL that reads anything but its refs (a
    table named directly, a table function, the clock, a variable), --empty, --defer,
    --store-failures. With --vars '{full_test_sweep: true}' every test runs (its pass is
    still recorded). -#}
{% macro data_test_unchanged_inputs() %}
    {%- set never = {'skip': false, 'state': none} -%}
    {%- if not execute or flags.EMPTY or invocation_args_dict.get('defer') or should_store_failures() -%}
        {{ return(never) }}
    {%- endif -%}
    {%- set code = compiled_code or '' -%}
    {%- set lowered = code | lower -%}
    {%- for hidden in ['ops.', 'read_', 'glob(', 'duckdb_', 'information_schema', 'pragma', 'current_date',
        'current_time', 'now()', 'today()', 'random(', 'uuid(', 'getvariable(', 'getenv(', 'attach'] -%}
        {%- if hidden in lowered -%}{{ return(never) }}{%- endif -%}
    {%- endfor -%}
    {%- set keys = [] -%}
    {%- set references = [code.count('"' ~ target.database ~ '".')] -%}
    {%- for unique_id in model.depends_on.nodes | unique | sort -%}
        {%- set node = graph.nodes.get(unique_id) -%}
        {%- if node is none or node.resource_type != 'model'
            or node.config.materialized not in ('table', 'bucketed_table') -%}
            {{ return(never) }}
        {%- endif -%}
        {%- set relation = api.Relation.create(database=node.database, schema=node.schema,
            identifier=node.alias or node.name) -%}
        {%- do keys.append(sql_string(_model_fingerprint_key(relation))) -%}
        {%- do references.append(references.pop() - code.count(relation | string)) -%}
    {%- endfor -%}
    {#- a relation of this warehouse named in the SQL other than its refs: an input unseen -#}
    {%- if not keys or references[0] != 0 -%}{{ return(never) }}{%- endif -%}
    {%- for table in ['model_fingerprints', 'data_test_passes'] -%}
        {%- if adapter.get_relation(database=target.database, schema='ops', identifier=table) is none -%}
            {{ return(never) }}
        {%- endif -%}
    {%- endfor -%}
    {%- set code_key = local_md5(code ~ tojson(model.config, sort_keys=true) ~ dbt_version) -%}
    {% call statement('data_test_unchanged_inputs', fetch_result=True) -%}
        with inputs as (
            select relation, fingerprint, invocation_id, row_count
            from ops.model_fingerprints
            where relation in ({{ keys | join(', ') }})
                and checked_invocation_id = {{ sql_string(invocation_id) }}
        ),

        computed as (
            select
                count(*) as inputs,
                md5({{ sql_string(code_key) }} || '|' || version() || '|'
                    || coalesce(getvariable('aethermart_dbt_duckdb_version'), 'unknown:' || uuid()) || '|'
                    || string_agg(relation || '=' || fingerprint || ':' || invocation_id || ':' || row_count, '|'
                        order by relation)) as state
            from inputs
        )

        select
            computed.inputs,
            computed.state,
            exists (
                select 1 from ops.data_test_passes as passes
                where passes.test = {{ sql_string(model.unique_id) }} and passes.state = computed.state
            ) as passed
        from computed
    {%- endcall %}
    {%- set row = load_result('data_test_unchanged_inputs').table.rows[0] -%}
    {%- if row[0] != keys | length -%}{{ return(never) }}{%- endif -%}
    {{ return({'skip': row[2] and not full_test_sweep(), 'state': row[1]}) }}
{% endmacro %}
