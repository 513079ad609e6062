{% macro bronze_files_tested(results) %}
    {#- on-run-end hook: for each incremental bronze model whose every data test (the generic
        tests attached to it) ran in this invocation and passed, mark the files in its test
        scope (bronze_test_scope) as passed. A model with a test that failed, warned, errored,
        was skipped or was not selected keeps its files in scope, so the next build tests
        them again. -#}
    {#- no query while compiling: a hook's compile-time query opens a transaction that the
        next hook's statements then run in, and nothing commits it (the build record would
        stay `running`). ops.bronze_file_state exists: on-run-start created it. -#}
    {%- if not execute -%}{{ return('') }}{%- endif -%}
    {%- set passed = [] -%}
    {%- for result in results if result.node.resource_type == 'test' and result.status == 'pass' -%}
        {%- do passed.append(result.node.unique_id) -%}
    {%- endfor -%}
    {%- set tests = graph.nodes.values() | selectattr('resource_type', 'equalto', 'test') | list -%}
    {%- set models = [] -%}
    {%- for node in graph.nodes.values() if node.resource_type == 'model' and node.name.startswith('brz_')
        and node.config.materialized == 'incremental' -%}
        {%- set own = tests | selectattr('attached_node', 'equalto', node.unique_id) | map(attribute='unique_id') | list -%}
        {%- if own and own | reject('in', passed) | list | length == 0 -%}
            {%- do models.append(sql_string(node.name)) -%}
        {%- endif -%}
    {%- endfor -%}
    {%- if not models -%}{{ return('') }}{%- endif -%}
    {{ return("update ops.bronze_file_state set tests_passed_by = " ~ sql_string(invocation_id)
        ~ " where tests_passed_by is null and model in (" ~ models | join(", ") ~ ")") }}
{% endmacro %}
