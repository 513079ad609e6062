{% macro is_valid_email(expression) -%}
    coalesce(regexp_full_match(
        lower({{ trim_whitespace(expression) }}),
        '[a-z0-9._%+''-]+@[a-z0-9-]+(\.[a-z0-9-]+)*\.[a-z]{2,}'
    ), false)
{%- endmacro %}
