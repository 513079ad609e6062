{% macro _bronze_file_local_inputs(test_node) %}
    {#- the names of the incremental bronze models a file-local test reads (one for a generic test) -#}
    {%- set names = [] -%}
    {%- for unique_id in test_node.depends_on.nodes | unique | sort -%}
        {%- set node = graph.nodes.get(unique_id) -%}
        {%- if node is not none and bronze_test_is_file_local(test_node, node) -%}
            {%- do names.append(node.name) -%}
        {%- endif -%}
    {%- endfor -%}
    {{ return(names) }}
{% endmacro %}
