{% macro _rebuild_by_key_digests(inputs) %}
    {#- SQL (text) of one row per key of the keyed inputs: the key as text and its digest, the
        sum of the hashes of every input row with that key (the hash covers every value and
        the input's id; the sum is order-free and, unlike xor, sees a duplicated row) -#}
    {%- set rows = [] -%}
    {%- for unique_id, column in inputs.items() -%}
        {%- set node = graph.nodes[unique_id] -%}
        {%- set relation = api.Relation.create(database=node.database, schema=node.schema,
            identifier=node.alias or node.name) -%}
        {%- do rows.append("select cast(" ~ adapter.quote(column) ~ " as varchar) as key, hash("
            ~ sql_string(unique_id) ~ ", input_rows) as row_hash from " ~ relation ~ " as input_rows") -%}
    {%- endfor -%}
    {{ return("select key, sum(row_hash) as digest from (" ~ rows | join(" union all ")
        ~ ") as keyed_rows group by key") }}
{% endmacro %}
