{% macro _rebuild_by_key_digests(inputs, touched_keys=none) %}
    {#- SQL (text) of one row per key of the keyed inputs: the key as text and its digest, the
        sum of the hashes of every input row with that key (the hash covers every value and
        the input's id; the sum is order-free and, unlike xor, sees a duplicated row). With
        `touched_keys`, a table of key hashes (column `key`), only the keys whose text hashes
        to one of them (the key columns are text there: _rebuild_by_key_logged_keys) -#}
    {%- set rows = [] -%}
    {%- for unique_id, column in inputs.items() -%}
        {%- set node = graph.nodes[unique_id] -%}
        {%- set relation = api.Relation.create(database=node.database, schema=node.schema,
            identifier=node.alias or node.name) -%}
        {%- set key = "cast(" ~ adapter.quote(column) ~ " as varchar)" -%}
        {%- do rows.append("select " ~ key ~ " as key, hash(" ~ sql_string(unique_id) ~ ", input_rows) as row_hash from "
            ~ relation ~ " as input_rows" ~ ((" where hash(" ~ key ~ ") in (select key from " ~ touched_keys ~ ")")
            if touched_keys else "")) -%}
    {%- endfor -%}
    {{ return("select key, sum(row_hash) as digest from (" ~ rows | join(" union all ")
        ~ ") as keyed_rows group by key") }}
{% endmacro %}
