{#- on-run-end hook: the pass records of the reusable data tests (data_test_is_reusable,
    data_test_passed_before). A test that passed with no failing row is recorded with the
    recorded content of each input as this invocation checked it, under the invocation's code
    fingerprint, with the md5 of its compiled SQL (nothing without one, and nothing for a test with an input this invocation did
    not check: `dbt test` alone records nothing); its older record goes. A test that failed,
    warned or errored - or passed with failing rows under its thresholds - forgets its record,
    so its next run runs it. A skipped test, any run with --empty and a pass on a deferred
    relation change nothing. Records of tests the project no longer has go. No query while
    compiling (see bronze_files_tested). -#}
{% macro data_tests_passed(results) %}
    {%- if not execute or flags.EMPTY -%}{{ return('') }}{%- endif -%}
    {%- set passed = [] -%}
    {%- set forget = [] -%}
    {%- set sql_hashes = [] -%}
    {%- for result in results if result.node.resource_type == 'test'
        and data_test_is_reusable(result.node, result.node.compiled_code or '') -%}
        {%- set deferred = [] -%}
        {%- for input_id in result.node.depends_on.nodes -%}
            {%- if _model_fingerprint_deferred(graph.nodes[input_id]) is not none -%}{%- do deferred.append(input_id) -%}{%- endif -%}
        {%- endfor -%}
        {%- if result.status == 'pass' and not result.failures and not deferred -%}
            {%- do passed.append(result.node.unique_id) -%}
            {%- do sql_hashes.append("(" ~ sql_string(result.node.unique_id) ~ ", "
                ~ sql_string(local_md5(result.node.compiled_code or '')) ~ ")") -%}
        {%- elif result.status in ('pass', 'fail', 'warn', 'error', 'runtime error') -%}
            {%- do forget.append(sql_string(result.node.unique_id)) -%}
        {%- endif -%}
    {%- endfor -%}
    {%- set known = [] -%}
    {%- for node in graph.nodes.values() if node.resource_type == 'test' and data_test_is_reusable(node) -%}
        {%- do known.append(sql_string(node.unique_id)) -%}
    {%- endfor -%}
    {%- set statements = ["delete from ops.data_test_passes" ~ (" where test not in (" ~ known | join(", ") ~ ")" if known else "")] -%}
    {%- for unique_id in passed -%}{%- do forget.append(sql_string(unique_id)) -%}{%- endfor -%}
    {%- if forget -%}
        {%- do statements.append("delete from ops.data_test_passes where test in (" ~ forget | join(", ") ~ ")") -%}
    {%- endif -%}
    {%- if passed -%}
        {%- do statements.append("insert into ops.data_test_passes (test, inputs, code_fingerprint, sql_hash, invocation_id)"
            ~ " select now.test, now.inputs, getvariable('aethermart_code_fingerprint'), compiled.sql_hash, "
            ~ sql_string(invocation_id) ~ " from (" ~ _data_test_inputs(passed) ~ ") as now"
            ~ " inner join (values " ~ sql_hashes | join(", ") ~ ") as compiled(test, sql_hash) on compiled.test = now.test"
            ~ " where getvariable('aethermart_code_fingerprint') is not null") -%}
    {%- endif -%}
    {{ return(statements | join(";\n")) }}
{% endmacro %}
