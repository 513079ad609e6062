{#- Collapse every run of white space (spaces, tabs, newlines) to one space and trim;
    keep Unicode as is; NULL for blank text and the literal `NULL` (any case). -#}
{% macro clean_text(expression) -%}
    case
        when not {{ is_blank(expression) }}
            then trim(regexp_replace({{ expression }}, '\s+', ' ', 'g'))
    end
{%- endmacro %}
