{#- Trimmed, lower-case email when it has the shape local@domain.tld (no spaces, one @);
    NULL otherwise. Use `is_valid_email` to tell invalid from missing. -#}
{% macro clean_email(expression) -%}
    case
        when {{ is_valid_email(expression) }} then lower({{ trim_whitespace(expression) }})
    end
{%- endmacro %}


{% macro is_valid_email(expression) -%}
    coalesce(regexp_full_match(
        lower({{ trim_whitespace(expression) }}),
        '[a-z0-9._%+''-]+@[a-z0-9-]+(\.[a-z0-9-]+)*\.[a-z]{2,}'
    ), false)
{%- endmacro %}
