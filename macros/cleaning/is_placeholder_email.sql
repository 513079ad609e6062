{#- True for the stand-in values people type when they have no email to give
    (`n/a`, `none`, `noemail@…`, `test@test.com`, `…@none.com`): the whole trimmed,
    lower-case value matches a pattern of the seed `placeholder_email_patterns`, which
    users extend. Such values are contact data of nobody and must never link two
    customers. -#}
{% macro is_placeholder_email(expression) -%}
    coalesce(regexp_full_match(
        lower({{ trim_whitespace(expression) }}),
        (
            select string_agg('(?:' || pattern || ')', '|' order by pattern)
            from {{ ref('placeholder_email_patterns') }}
        )
    ), false)
{%- endmacro %}
