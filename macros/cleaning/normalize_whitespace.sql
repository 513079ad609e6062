{#- Text with format characters (zero-width space, BOM, ...) removed, every run of white
    space or control characters (space, TAB, CR, LF, NBSP, em space, ...) made one space,
    and both ends trimmed. NULL stays NULL. -#}
{% macro normalize_whitespace(expression) -%}
    trim(regexp_replace(
        regexp_replace({{ expression }}, '\p{Cf}+', '', 'g'),
        '[\s\p{Z}\p{Cc}]+', ' ', 'g'
    ))
{%- endmacro %}
