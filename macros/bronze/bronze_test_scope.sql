{#- Data tests on incremental bronze tables check only the rows of the files the model's
    latest run read (ops.bronze_file_reads of the invocation that last recorded its files):
    a build that lands one new file tests that file, not the whole history again; a first
    build or a --full-refresh reads, and so tests, every file. The full sweep, for CI and
    after a change to a test: --vars '{full_test_sweep: true}' tests every row.
    dbt calls get_where_subquery for the model of every generic test (its `where` config);
    a test's own `where` still applies, and the two are combined. Rows without a file
    (which the forget pre-hook removes) are always tested. -#}
{% macro bronze_test_scope(relation) %}
    {#- the filter of a test on `relation` (empty: every row): its rows of the files the
        model's latest run read, when it is an incremental bronze model with recorded reads
        and the full sweep is off -#}
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
    {%- if adapter.get_relation(database=relation.database, schema='ops', identifier='bronze_file_reads') is none
        or adapter.get_relation(database=relation.database, schema='ops', identifier='bronze_file_state') is none -%}
        {{ return('') }}
    {%- endif -%}
    {%- set column = 'file_path' if node.name.endswith('__counted_files') else '_source_file' -%}
    {%- set name = sql_string(node.name) -%}
    {{ return("(" ~ column ~ " is null or " ~ column ~ " in (select reads.file_path from ops.bronze_file_reads as reads"
        ~ " where reads.model = " ~ name ~ " and reads.invocation_id in (select state.recorded_by from ops.bronze_file_state as state"
        ~ " where state.model = " ~ name ~ ")))") }}
{% endmacro %}
