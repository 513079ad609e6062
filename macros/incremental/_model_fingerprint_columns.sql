{% macro _model_fingerprint_columns(node) %}
    {#- the declared columns' names, types and constraints (the contract), not their docs -#}
    {%- set columns = [] -%}
    {%- for name, column in node.columns.items() | sort -%}
        {%- do columns.append([name, column.get('data_type'), column.get('constraints', []) | string]) -%}
    {%- endfor -%}
    {{ return(columns) }}
{% endmacro %}
