{#- A query of (test, inputs) for the given tests: `inputs` is the recorded content (hash and
    row count, ops.model_fingerprints) of every table the test reads, when this invocation
    checked each (wrote it, kept it after comparing, or a reader compared it); a test with an
    input not checked by this invocation gets no row. `tests`: a list of test unique_ids. -#}
{% macro _data_test_inputs(tests) %}
    {%- set pairs = [] -%}
    {%- for unique_id in tests -%}
        {%- set test_node = graph.nodes[unique_id] -%}
        {%- for input_id in test_node.depends_on.nodes | unique | sort -%}
            {%- set node = graph.nodes[input_id] -%}
            {%- set relation = api.Relation.create(database=node.database, schema=node.schema, identifier=node.alias or node.name) -%}
            {%- do pairs.append("(" ~ sql_string(unique_id) ~ ", " ~ sql_string(_model_fingerprint_key(relation)) ~ ")") -%}
        {%- endfor -%}
    {%- endfor -%}
    {%- set this_invocation = sql_string(invocation_id) -%}
    {{ return("select tested.test, string_agg(tested.relation || '=' || recorded.content_hash || ':' || recorded.row_count, ','"
        ~ " order by tested.relation) as inputs"
        ~ " from (values " ~ pairs | join(", ") ~ ") as tested(test, relation)"
        ~ " left join ops.model_fingerprints as recorded on recorded.relation = tested.relation"
        ~ " and recorded.content_hash is not null"
        ~ " and (recorded.checked_invocation_id = " ~ this_invocation
        ~ " or exists (select 1 from ops.model_input_checks as checks where checks.relation = recorded.relation"
        ~ " and checks.invocation_id = " ~ this_invocation ~ "))"
        ~ " group by tested.test having count(recorded.relation) = count(*)") }}
{% endmacro %}
