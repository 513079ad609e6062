{#- The filter of the data test being compiled on `relation` (empty: every row) when the test
    can check merged tables by their changed keys (_changed_rows_scope) and `relation` is its
    tested model: the relation's rows of the keys the tables' last merges changed
    (ops.model_changed_keys), while the DuckDB variable aethermart_test_scope on the test's
    connection holds its id (the `test` materialization sets it when
    data_test_changed_rows_scope says so); every row otherwise. The text is the same in every
    build, so the test's compiled SQL - and the pass recorded with its md5 - stays the same. No
    filter with the full sweep, on a relation of another warehouse, or before the ops tables
    exist. The relation's rows are named scoped_rows (duckdb__get_where_subquery). -#}
{% macro changed_rows_test_scope(relation) %}
    {%- if not execute or full_test_sweep() -%}
        {{ return('') }}
    {%- endif -%}
    {%- set scope = _changed_rows_scope(model) -%}
    {%- set node = scope['model'] if scope is not none else none -%}
    {%- if node is none or relation.database != target.database
        or (relation.schema | lower) != (node.schema | lower)
        or (relation.identifier | lower) != ((node.alias or node.name) | lower) -%}
        {{ return('') }}
    {%- endif -%}
    {%- if adapter.get_relation(database=target.database, schema='ops', identifier='model_changed_keys') is none -%}
        {{ return('') }}
    {%- endif -%}
    {{ return(_changed_rows_predicate(model.unique_id, scope)) }}
{% endmacro %}
