{#- US zip codes: `zip5` gives the 5-digit code with leading zeros restored (`2108` ->
    `02108`, `02108-1234` -> `02108`); `zip_plus4` gives the +4 part when present. NULL
    when the text is not a zip. -#}
{% macro zip5(expression) -%}
    case
        when regexp_full_match({{ trim_whitespace(expression) }}, '\d{3,5}(-\d{4})?')
            then lpad(regexp_extract({{ trim_whitespace(expression) }}, '^(\d+)', 1), 5, '0')
    end
{%- endmacro %}
