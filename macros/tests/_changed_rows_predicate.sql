{#- The scope filter of a test on its model's changed keys (changed_rows_test_scope): every row
    unless the test's run put itself in ops.data_test_scopes, then the rows whose key's hash is
    one the model's last merge changed. -#}
{% macro _changed_rows_predicate(test_id, node) %}
    {%- set relation = api.Relation.create(database=node.database, schema=node.schema, identifier=node.alias or node.name) -%}
    {{ return("(not exists (select 1 from ops.data_test_scopes as scopes where scopes.test = " ~ sql_string(test_id) ~ ")"
        ~ " or hash(scoped_rows." ~ adapter.quote(node.config.merge_changed_rows_by) ~ ") in (select changed.key_hash"
        ~ " from ops.model_changed_keys as changed where changed.relation = "
        ~ sql_string(_model_fingerprint_key(relation)) ~ "))") }}
{% endmacro %}
