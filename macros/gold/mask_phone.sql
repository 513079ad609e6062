{#- An E.164 phone with every digit but the country code's and the last four masked:
    `+16175550123` -> `+1******0123`. NULL stays NULL. -#}
{% macro mask_phone(column) -%}
    case
        when length({{ column }}) > 6
            then left({{ column }}, 2) || repeat('*', length({{ column }}) - 6) || right({{ column }}, 4)
    end
{%- endmacro %}
