{#- What ref() reads for each of the model's refs given by unique id (with --defer maybe the
    state's relation, with --empty a wrapper): {'reads': {unique id: relation text}, 'own':
    whether every one is this target's own relation}. Records of inputs (key digests, what a
    build read) are comparable only for this target's own relations. -#}
{% macro _refs_read(unique_ids) %}
    {%- set reads = {} -%}
    {%- set own = [true] -%}
    {%- for unique_id in unique_ids -%}
        {%- set node = graph.nodes[unique_id] -%}
        {%- set read = ref(node.package_name, node.name) | string -%}
        {%- do reads.update({unique_id: read}) -%}
        {%- if read != api.Relation.create(database=node.database, schema=node.schema,
            identifier=node.alias or node.name) | string -%}
            {%- do own.append(false) -%}{%- do own.pop(0) -%}
        {%- endif -%}
    {%- endfor -%}
    {{ return({'reads': reads, 'own': own[0]}) }}
{% endmacro %}
