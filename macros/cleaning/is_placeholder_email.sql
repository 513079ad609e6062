{#- True for the stand-in values people type when they have no email to give
    (`n/a`, `none`, `noemail@…`, `test@test.com`, `…@none.com`); such values are contact
    data of nobody and must never link two customers. -#}
{% macro is_placeholder_email(expression) -%}
    coalesce(regexp_full_match(
        lower(trim({{ expression }})),
        '(n/?a|none|null|unknown|-+|(no-?e?mail|none|test|noreply|no-reply|unknown|na|n/a|null)@.*|.*@(test|none|invalid)\.(com|org|net))'
    ), false)
{%- endmacro %}
