{#- A file's read columns: its layout's contract names, `_ignored_<position>` for the
    headers the YAML ignores. -#}
{% macro landing_read_columns(layout_columns) %}
    {%- set names = [] -%}
    {%- for column in layout_columns -%}
        {%- do names.append(column if column else '_ignored_' ~ loop.index) -%}
    {%- endfor -%}
    {{ return(names) }}
{% endmacro %}
