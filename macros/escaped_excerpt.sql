{#- Text from a landing file or name as it may appear in an error or log line: escaped as
    a Python repr without the outer quotes (control characters, escape sequences and
    invisible characters become \n, \x1b, \u202e), at most `limit` characters of the
    original, with `…` when cut. -#}
{% macro escaped_excerpt(text, limit=120) -%}
    {%- set text = text | string -%}
    {%- set shown = ("%r" | format(text[:limit]))[1:-1] -%}
    {{- return(shown ~ ('…' if text | length > limit else '')) -}}
{%- endmacro %}
