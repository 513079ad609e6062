{#- The source's reader call (its external_location) over `paths` (a SQL string literal or
    list of them) with `columns={...}` for a layout, every column read as text. -#}
{% macro landing_csv_read(source_name, table_name, paths, layout_columns) %}
    {%- set location = landing_source(source_name, table_name) -%}
    {%- set yaml_glob = sql_string(landing_location_glob(location)) -%}
    {%- set struct = [] -%}
    {%- for column in landing_read_columns(layout_columns) -%}
        {%- do struct.append(sql_string(column) ~ ": 'VARCHAR'") -%}
    {%- endfor -%}
    {%- set read = location.replace(yaml_glob, paths, 1) -%}
    {%- set read = modules.re.sub("columns=\\{[^}]*\\}", ("columns={" ~ struct | join(", ") ~ "}").replace('\\', '\\\\'), read, 1) -%}
    {{ return(read) }}
{% endmacro %}
