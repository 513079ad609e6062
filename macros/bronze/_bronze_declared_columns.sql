{#- Part of bronze_file_fingerprint: a source's declared columns and their `data_type`s, so
    that a retyped column reads every file again (and _bronze_schema_sync retypes the table). -#}
{% macro _bronze_declared_columns(node) %}
    {%- set declared = [] -%}
    {%- for name, column in node.columns.items() -%}
        {%- do declared.append(name ~ ' ' ~ (column.data_type or '')) -%}
    {%- endfor -%}
    {{ return(declared | join(',')) }}
{% endmacro %}
