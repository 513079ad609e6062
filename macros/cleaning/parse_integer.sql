{#- Text to BIGINT: whole numbers only, optional sign; NULL for `2.5`, `1e3`, `1,5`, `abc`
    (a plain cast would round 2.5 to 3). -#}
{% macro parse_integer(expression) -%}
    case
        when regexp_full_match({{ trim_whitespace(expression) }}, '[+-]?\d{1,18}')
            then cast({{ trim_whitespace(expression) }} as bigint)
    end
{%- endmacro %}
