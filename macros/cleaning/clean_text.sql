{#- Collapse every run of white space (any Unicode white space or control character:
    spaces, TAB, CR, LF, NBSP) to one space, drop zero-width characters and trim; keep
    Unicode letters as they are; NULL for blank text and the literal `NULL` (any case). -#}
{% macro clean_text(expression) -%}
    case
        when not {{ is_blank(expression) }}
            then {{ normalize_whitespace(expression) }}
    end
{%- endmacro %}
