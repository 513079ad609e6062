{#- Data tests on incremental bronze tables check only the rows of the files their tests have
    not yet passed on (ops.bronze_file_state.tests_passed_by is null): a build that lands one
    new file tests that file, not the whole history again; a first build or a --full-refresh
    reads, and so tests, every file. A file stays in scope until one invocation ran every data
    test of the model and each passed (bronze_files_tested, on-run-end): a failing or warning
    file fails or warns again on the next build, whatever else landed since. The full sweep,
    for CI and after a change to a test: --vars '{full_test_sweep: true}' tests every row.
    dbt calls get_where_subquery for the model of every generic test (its `where` config);
    a test's own `where` still applies, and the two are combined. Rows without a file
    (which the forget pre-hook removes) are always tested. -#}
{% macro bronze_test_scope(relation) %}
    {#- the filter of a test on `relation` (empty: every row): its rows of the files its tests
        have not passed on, when it is an incremental bronze model with recorded files and the
        full sweep is off -#}
    {%- if not execute or var('full_test_sweep', false) | string | lower in ('true', '1', 'yes') -%}
        {{ return('') }}
    {%- endif -%}
    {%- set node = graph.nodes.values() | selectattr('resource_type', 'equalto', 'model')
        | selectattr('alias', 'equalto', relation.identifier)
        | selectattr('schema', 'equalto', relation.schema) | first -%}
    {%- if node is not defined or node is none or not node.name.startswith('brz_')
        or node.config.materialized != 'incremental' -%}
        {{ return('') }}
    {%- endif -%}
    {%- if adapter.get_relation(database=relation.database, schema='ops', identifier='bronze_file_state') is none -%}
        {{ return('') }}
    {%- endif -%}
    {%- set column = 'file_path' if node.name.endswith('__counted_files') else '_source_file' -%}
    {{ return("(" ~ column ~ " is null or " ~ column ~ " in (select state.file_path from ops.bronze_file_state as state"
        ~ " where state.model = " ~ sql_string(node.name) ~ " and state.tests_passed_by is null))") }}
{% endmacro %}
