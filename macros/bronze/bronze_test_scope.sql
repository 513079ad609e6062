{#- Data tests on incremental bronze tables check only the rows of the files the test has not
    yet passed on under this code: a build that lands one new file tests that file, not the
    whole history again; a first build or a --full-refresh reads, and so tests, every file.
    ops.bronze_test_passes holds, per test, the files it passed on and the code fingerprint
    it passed under (bronze_files_tested, on-run-end); without a fingerprint (a profile
    without the plugin aethermart.dbt_plugins.code_fingerprint) nothing is recorded and every
    test reads every row. Only tests that check each file on its own are scoped
    (bronze_test_is_file_local). So:
    - a file a test fails or warns on is tested again by every later build, whatever else
      landed since, until it passes (a file whose rows change loses its passes);
    - a test that fails or errors forgets all its passes: its next run reads every file
      (a full sweep that fails puts the model's whole history back in scope);
    - other code (a test added or changed, another generic test macro, other --vars: the
      plugin's code fingerprint) tests every file again once.
    The full sweep, for CI: --vars '{full_test_sweep: true}' tests every row.
    dbt calls get_where_subquery for the model of every generic test (its `where` config);
    a test's own `where` still applies, and the two are combined. A singular test that
    compares the rows of one file at a time across several bronze models declares it
    (`config(meta={'file_local': true})`) and filters each of them itself:
    `from {{ ref(m) }} as bronze_rows where {{ bronze_test_scope(ref(m)) or 'true' }}`. Rows without a file
    (which the forget pre-hook removes) are always tested. -#}
{% macro bronze_test_scope(relation) %}
    {#- the filter of the test being compiled on `relation` (empty: every row): its rows of
        the files the test has not passed on under this code, when the test checks files one
        at a time (bronze_test_is_file_local), the relation is in this warehouse (not a
        deferred one) and the full sweep is off. By exclusion: rows of a file with no record
        (a cloned warehouse, lost ops tables) are tested. -#}
    {%- if not execute or full_test_sweep() -%}
        {{ return('') }}
    {%- endif -%}
    {%- set node = graph.nodes.values() | selectattr('resource_type', 'equalto', 'model')
        | selectattr('alias', 'equalto', relation.identifier)
        | selectattr('schema', 'equalto', relation.schema) | first -%}
    {%- if node is not defined or node is none or relation.database != target.database
        or not bronze_test_is_file_local(model, node) -%}
        {{ return('') }}
    {%- endif -%}
    {%- if adapter.get_relation(database=relation.database, schema='ops', identifier='bronze_test_passes') is none -%}
        {{ return('') }}
    {%- endif -%}
    {#- The scope is a semi-join of the file column on the relation's own files that are in
        scope (one distinct scan of the file column): DuckDB then filters the table's scan by
        those files before it reads the other columns. A `not exists` per row read every column
        of every row first (the events' row_rules test: 0.5 s for 2.0M rows with no file to test
        at scale 10, 0.01 s as a semi-join). A row without a file is always in scope, the table's or
        one a singular test's outer join makes: NULL maps to '', which is always in the list (no
        file's path is empty). -#}
    {%- set name = bronze_file_column(node.name) -%}
    {%- set column = 'bronze_rows.' ~ name -%}
    {%- set file = 'files.' ~ name -%}
    {%- set passed = "select 1 from ops.bronze_test_passes as passes where passes.test = " ~ sql_string(model.unique_id)
        ~ " and passes.code_fingerprint = getvariable('aethermart_code_fingerprint')" -%}
    {%- if model.test_metadata -%}
        {%- set in_scope = "not exists (" ~ passed ~ " and passes.file_path = " ~ file ~ ")" -%}
    {%- else -%}
        {#- a singular test compares a file's rows across the bronze models it reads: a file is out
            of its scope only when the test passed on it in every one of them that holds it (a
            model that reads the file later, or reads it again, puts it back for all of them) -#}
        {%- set quoted = [] -%}
        {%- for input in _bronze_file_local_inputs(model) -%}{%- do quoted.append(sql_string(input)) -%}{%- endfor -%}
        {%- set inputs = quoted | join(', ') -%}
        {%- set in_scope = "not exists (select 1 from ops.bronze_file_state as state where state.file_path = " ~ file
            ~ " and state.model in (" ~ inputs ~ ")) or exists (select 1 from ops.bronze_file_state as state"
            ~ " where state.file_path = " ~ file ~ " and state.model in (" ~ inputs ~ ") and not exists ("
            ~ passed ~ " and passes.model = state.model and passes.file_path = state.file_path))" -%}
    {%- endif -%}
    {{ return("coalesce(" ~ column ~ ", '') in (select '' union all select " ~ file ~ " from (select distinct " ~ name
        ~ " from " ~ relation ~ ") as files where " ~ in_scope ~ ")") }}
{% endmacro %}
