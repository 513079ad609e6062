{#- US phone numbers to E.164 (`+12015550123`): keeps the digits; 10 digits, or 11
    starting with the country code 1; the area code and exchange must not start with 0
    or 1. NULL otherwise. -#}
{% macro phone_e164(expression) -%}
    {%- set digits = "regexp_replace(" ~ expression ~ ", '[^0-9]', '', 'g')" -%}
    {%- set national = "regexp_replace(" ~ digits ~ ", '^1(\d{10})$', '\\1')" -%}
    case
        when regexp_full_match({{ national }}, '[2-9]\d{2}[2-9]\d{6}')
            and regexp_full_match({{ trim_whitespace(expression) }}, '[0-9+().\s-]+')
            then '+1' || {{ national }}
    end
{%- endmacro %}
