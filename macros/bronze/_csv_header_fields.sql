{% macro _csv_header_fields(line) %}
    {#- a header line split as CSV, like the reader (delim ',', quote and escape '"'): a
        quoted name may hold commas, `""` inside quotes is one quote; a stray quote in an
        unquoted name is dropped -#}
    {%- set state = namespace(field='', quoted=false, closed=false) -%}
    {%- set fields = [] -%}
    {%- for char in line -%}
        {%- if state.quoted and char == '"' -%}
            {%- set state.quoted = false -%}
            {%- set state.closed = true -%}
        {%- elif state.quoted -%}
            {%- set state.field = state.field ~ char -%}
        {%- elif char == '"' -%}
            {%- if state.closed -%}{%- set state.field = state.field ~ '"' -%}{%- endif -%}
            {%- set state.quoted = true -%}
            {%- set state.closed = false -%}
        {%- elif char == ',' -%}
            {%- do fields.append(state.field) -%}
            {%- set state.field = '' -%}
            {%- set state.closed = false -%}
        {%- else -%}
            {%- set state.field = state.field ~ char -%}
            {%- set state.closed = false -%}
        {%- endif -%}
    {%- endfor -%}
    {%- do fields.append(state.field) -%}
    {{ return(fields) }}
{% endmacro %}
