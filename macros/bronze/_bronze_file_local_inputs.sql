{% macro _bronze_file_local_inputs(test_node) %}
    {#- the names of the incremental bronze models a file-local test reads: the model a generic
        test is attached to (not another model it reads, such as a relationships test's
        parent), every one a file-local singular test reads -#}
    {%- set attached = test_node.attached_node if test_node.test_metadata else none -%}
    {%- set names = [] -%}
    {%- for unique_id in test_node.depends_on.nodes | unique | sort
        if attached is none or unique_id == attached -%}
        {%- set node = graph.nodes.get(unique_id) -%}
        {%- if node is not none and bronze_test_is_file_local(test_node, node) -%}
            {%- do names.append(node.name) -%}
        {%- endif -%}
    {%- endfor -%}
    {{ return(names) }}
{% endmacro %}
