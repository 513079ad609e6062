{% macro landing_location_with_paths(location, paths) %}
    {#- a source's reader call (its rendered external_location) over a list of files in
        place of its glob -#}
    {%- set quoted = [] -%}
    {%- for path in paths -%}{%- do quoted.append(sql_string(path)) -%}{%- endfor -%}
    {{ return(location.replace(sql_string(landing_location_glob(location)), "[" ~ quoted | join(", ") ~ "]", 1)) }}
{% endmacro %}
