{#- Text to DECIMAL(12, 2): strips `$` and spaces; accepts a leading minus, at most two
    decimals, and commas only as thousands separators between groups of three digits
    (`1,299.00`, `$12,345`); NULL for anything else (`abc`, `1.2.3`, `12.345`, a decimal
    comma `4,50`, `1,2,3`, more than 10 digits before the point). -#}
{% macro parse_money(expression) -%}
    case
        when regexp_full_match(
            replace(replace({{ trim_whitespace(expression) }}, '$', ''), ' ', ''),
            '-?(\d{1,3}(,\d{3})+|\d+)(\.\d{1,2})?'
        )
            then try_cast(
                replace(replace(replace({{ trim_whitespace(expression) }}, '$', ''), ',', ''), ' ', '')
                as decimal(12, 2)
            )
    end
{%- endmacro %}
