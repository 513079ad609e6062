{#- Text to DECIMAL(12, 2): strips `$`, thousands separators and spaces; accepts at most
    two decimals and a leading minus; NULL for anything else (`abc`, `1.2.3`, `12.345`,
    more than 10 digits before the point). -#}
{% macro parse_money(expression) -%}
    case
        when regexp_full_match(
            replace(replace(replace({{ trim_whitespace(expression) }}, '$', ''), ',', ''), ' ', ''),
            '-?\d+(\.\d{1,2})?'
        )
            then try_cast(
                replace(replace(replace({{ trim_whitespace(expression) }}, '$', ''), ',', ''), ' ', '')
                as decimal(12, 2)
            )
    end
{%- endmacro %}
