{% macro _column_list(names, limit=10) %}
    {#- column names read from a file, for a message: the first `limit`, escaped, at most
        ~120 characters, and how many there are when that is not all of them -#}
    {%- set text = escaped_excerpt(names[:limit] | join(','), 120) -%}
    {%- if names | length > limit -%}
        {%- set text = text ~ ('' if text.endswith('…') else ',…') ~ " (" ~ "{:,}".format(names | length) ~ " columns)" -%}
    {%- endif -%}
    {{ return(text) }}
{% endmacro %}
