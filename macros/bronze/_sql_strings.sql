{% macro _sql_strings(values) %}
    {#- SQL string literals, comma-separated (NULL for none: `in (NULL)` matches nothing) -#}
    {%- set quoted = [] -%}
    {%- for value in values -%}{%- do quoted.append(sql_string(value)) -%}{%- endfor -%}
    {{ return(quoted | join(", ") if quoted else "null") }}
{% endmacro %}
