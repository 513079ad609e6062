{#- Trimmed, lower-case email when it has the shape local@domain.tld (no spaces, one @);
    NULL otherwise. Use `is_valid_email` to tell invalid from missing. -#}
{% macro clean_email(expression) -%}
    case
        when {{ is_valid_email(expression) }} then lower({{ trim_whitespace(expression) }})
    end
{%- endmacro %}
