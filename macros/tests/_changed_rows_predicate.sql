{#- The scope filter of a test on merged tables' changed keys (changed_rows_test_scope): every
    row unless the DuckDB variable aethermart_test_scope holds the test's id - the `test`
    materialization sets it on the test's own connection (a variable belongs to one
    connection, is not part of a transaction and goes with it) - then the rows whose value in
    one of the scope's columns hashes to a key the last merge of that column's table changed
    (`scope`: _changed_rows_scope). -#}
{% macro _changed_rows_predicate(test_id, scope) %}
    {%- set terms = [] -%}
    {%- for column, node in scope['keys'] -%}
        {%- set relation = api.Relation.create(database=node.database, schema=node.schema, identifier=node.alias or node.name) -%}
        {%- do terms.append(" or hash(scoped_rows." ~ adapter.quote(column) ~ ") in (select changed.key_hash"
            ~ " from ops.model_changed_keys as changed where changed.relation = "
            ~ sql_string(_model_fingerprint_key(relation)) ~ ")") -%}
    {%- endfor -%}
    {#- cast: an unset variable is a NULL DuckDB binds as an integer -#}
    {{ return("(cast(getvariable('aethermart_test_scope') as varchar) is distinct from " ~ sql_string(test_id)
        ~ terms | join('') ~ ")") }}
{% endmacro %}
