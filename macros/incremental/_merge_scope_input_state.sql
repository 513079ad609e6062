{#- SQL (text) for an input's content as recorded in ops.model_fingerprints, when this
    invocation found its table holding it (it wrote or kept the table, or a reader compared
    it: model_fingerprint, run before, compares every input not yet checked and marks those
    that match); NULL otherwise - a table that differs from its record, which no logged write
    started from. No scan of the input: its content was compared once already. -#}
{% macro _merge_scope_input_state(unique_id) %}
    {%- set node = graph.nodes[unique_id] -%}
    {%- set relation = api.Relation.create(database=node.database, schema=node.schema, identifier=node.alias or node.name) -%}
    {%- if load_relation(relation) is none -%}
        {{ return("cast(null as varchar)") }}
    {%- endif -%}
    {%- set key = sql_string(_model_fingerprint_key(relation)) -%}
    {%- set marks = adapter.get_relation(database=target.database, schema='ops', identifier='model_input_checks') -%}
    {{ return("(select any_value(content_hash) from ops.model_fingerprints where relation = " ~ key
        ~ " and row_count = (select count(*) from " ~ relation ~ ") and (checked_invocation_id = " ~ sql_string(invocation_id)
        ~ ((" or exists (select 1 from ops.model_input_checks where relation = " ~ key ~ " and invocation_id = "
            ~ sql_string(invocation_id) ~ ")") if marks is not none else "") ~ "))") }}
{% endmacro %}
