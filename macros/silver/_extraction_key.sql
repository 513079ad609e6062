{#- The landed column named by `meta.extract.key` of a MariaDB table, or none: also while
    parsing, and in a unit test, whose graph has no sources (its fixtures hold no delta). -#}
{% macro _extraction_key(table_name) -%}
    {%- if not execute or graph.get('sources') is none -%}{{ return(none) }}{%- endif -%}
    {%- set node = graph.sources.values()
        | selectattr('source_name', 'equalto', 'mariadb')
        | selectattr('name', 'equalto', table_name) | first -%}
    {%- set extract = (node.meta or {}).get('extract') or {} if node else {} -%}
    {{ return(extract.get('key')) }}
{%- endmacro %}
