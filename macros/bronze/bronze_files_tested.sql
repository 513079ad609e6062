{% macro bronze_files_tested(results) %}
    {#- on-run-end hook: the pass records of the file-local data tests of incremental bronze
        models (bronze_test_is_file_local, bronze_test_scope). A test that passed passed on
        every file of its model (the files in its scope, and the others it had passed on
        before): each is recorded under this invocation's code fingerprint (none without
        one), and its records under other code are dropped; a file-local singular test's
        pass is recorded for each bronze model it reads (bronze_test_scope). A test that failed or errored
        forgets every pass, so its next run reads every file. A warning records nothing (the
        files it warned on warn again); a skipped test, and any run with --empty (its tests
        read no row), changes nothing, as does a pass on a deferred relation (--defer: another
        warehouse's rows). Records of tests the project no longer has go. -#}
    {#- no query while compiling: a hook's compile-time query opens a transaction that the
        next hook's statements then run in, and nothing commits it (the build record would
        stay `running`). ops.bronze_test_passes exists: on-run-start created it. -#}
    {%- if not execute or flags.EMPTY -%}{{ return('') }}{%- endif -%}
    {%- set sweep = full_test_sweep() -%}
    {%- set passed = [] -%}
    {%- set failed = [] -%}
    {%- for result in results if result.node.resource_type == 'test' -%}
        {#- its incremental bronze models: the one of a generic test, those a file-local
            singular test reads -#}
        {%- set models = _bronze_file_local_inputs(result.node) -%}
        {%- if models -%}
            {#- it read this warehouse's rows of each of them (none was deferred: --defer
                reads the state's relation, which this warehouse's file records do not
                describe), the files it had no pass for (its SQL carries a scope per model)
                or every row (the full sweep) -#}
            {%- set deferred = [] -%}
            {%- for unique_id in result.node.depends_on.nodes if graph.nodes.get(unique_id, {}).get('name') in models -%}
                {%- if _model_fingerprint_deferred(graph.nodes[unique_id]) is not none -%}
                    {%- do deferred.append(unique_id) -%}
                {%- endif -%}
            {%- endfor -%}
            {%- set scopes = (result.node.compiled_code or '').count('ops.bronze_test_passes') -%}
            {%- set read_here = not deferred and (sweep or scopes >= models | length) -%}
            {%- if result.status == 'pass' and read_here -%}
                {%- for name in models -%}
                    {%- do passed.append("(" ~ sql_string(result.node.unique_id) ~ ", " ~ sql_string(name) ~ ")") -%}
                {%- endfor -%}
            {%- elif result.status in ('fail', 'error', 'runtime error') -%}
                {%- do failed.append(sql_string(result.node.unique_id)) -%}
            {%- endif -%}
        {%- endif -%}
    {%- endfor -%}
    {%- set known = [] -%}
    {%- for node in graph.nodes.values() if node.resource_type == 'test' -%}
        {%- if _bronze_file_local_inputs(node) -%}
            {%- do known.append(sql_string(node.unique_id)) -%}
        {%- endif -%}
    {%- endfor -%}
    {%- set code = "getvariable('aethermart_code_fingerprint')" -%}
    {#- the records of tests this project no longer has (renamed, removed, no longer scoped) -#}
    {%- set statements = ["delete from ops.bronze_test_passes"
        ~ (" where test not in (" ~ known | join(", ") ~ ")" if known else "")] -%}
    {%- if failed -%}
        {%- do statements.append("delete from ops.bronze_test_passes where test in (" ~ failed | join(", ") ~ ")") -%}
    {%- endif -%}
    {%- if passed -%}
        {%- set tests = "(values " ~ passed | join(", ") ~ ") as tested(test, model)" -%}
        {%- do statements.append("delete from ops.bronze_test_passes where code_fingerprint is distinct from " ~ code
            ~ " and test in (select test from " ~ tests ~ ")") -%}
        {%- do statements.append("insert into ops.bronze_test_passes (test, model, file_path, code_fingerprint, invocation_id) "
            ~ "select tested.test, tested.model, state.file_path, " ~ code ~ ", " ~ sql_string(invocation_id)
            ~ " from " ~ tests ~ " inner join ops.bronze_file_state as state on state.model = tested.model"
            ~ " where " ~ code ~ " is not null and not exists (select 1 from ops.bronze_test_passes as passes"
            ~ " where passes.test = tested.test and passes.model = tested.model and passes.file_path = state.file_path)"
            ~ " group by all") -%}
    {%- endif -%}
    {{ return(statements | join(";\n")) }}
{% endmacro %}
