{#- SQL (text) of one row per input in `unique_ids` (sorted): its key in ops.model_fingerprints
    (`input_relation`) and its content as this invocation found it (`input_content`,
    _merge_scope_input_state) - what a reader records with its write in ops.merge_scope_builds
    (merge_scope_record, rebuild_by_key_record). -#}
{% macro _merge_scope_input_states(unique_ids) %}
    {%- set inputs = [] -%}
    {%- for unique_id in unique_ids | sort -%}
        {%- set node = graph.nodes[unique_id] -%}
        {%- set relation = api.Relation.create(database=node.database, schema=node.schema, identifier=node.alias or node.name) -%}
        {%- do inputs.append("select " ~ sql_string(_model_fingerprint_key(relation)) ~ " as input_relation, "
            ~ _merge_scope_input_state(unique_id) ~ " as input_content") -%}
    {%- endfor -%}
    {{ return(inputs | join(" union all ")) }}
{% endmacro %}
