{#- The path (a glob) a landing source reads: the first string literal of its rendered
    location `read_csv('…', …)`, unquoted (`''` is one quote). `sql_string` of the result
    is that literal again. -#}
{% macro landing_location_glob(location) %}
    {%- set found = modules.re.search("\\(\\s*('(?:[^']|'')*')", location) -%}
    {%- if not found -%}
        {{ exceptions.raise_compiler_error("Source location " ~ escaped_excerpt(location, 120) ~ " has no quoted path as its first argument.") }}
    {%- endif -%}
    {{ return(found.group(1)[1:-1].replace("''", "'")) }}
{% endmacro %}
