{#- The one way a macro puts a text value (a path, a name) into SQL: a DuckDB string
    literal in single quotes with each quote doubled. Standard literals take every other
    character (backslash, newline, `$`, `{`) as itself. Python code uses
    aethermart.sql.sql_string, which does the same. -#}
{% macro sql_string(text) -%}
    {{- return("'" ~ (text | string).replace("'", "''") ~ "'") -}}
{%- endmacro %}
