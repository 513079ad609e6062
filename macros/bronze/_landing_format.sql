{% macro _landing_format(source_name, table_name) %}
    {%- if not execute -%}{{ return(none) }}{%- endif -%}
    {%- set node = graph.sources.values()
        | selectattr('source_name', 'equalto', source_name)
        | selectattr('name', 'equalto', table_name) | first -%}
    {{ return(node.meta.get('landing_format')) }}
{% endmacro %}
