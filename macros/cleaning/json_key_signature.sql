{#- A cheap, exact pre-filter for json_has_duplicate_key: the keys of a JSON text, every
    object and level in one list, read from the text without parsing it (split at `":`, the
    key is what follows the last `"` before it), or NULL when that reading could miss a key
    (the text has a backslash, so a key may be escaped, or white space before a colon).
    A JSON text whose signature has no repeated key has no duplicate key (a key repeated
    within one object is repeated in the list; a `":` inside a string value only adds
    entries); a repeat, or NULL, sends the text to the exact check. -#}
{% macro json_key_signature(text_expression) -%}
    case
        when not contains({{ text_expression }}, '\')
            and not regexp_matches({{ text_expression }}, '"\s+:')
            then list_transform(string_split({{ text_expression }}, '":')[:-2], lambda piece: string_split(piece, '"')[-1])
    end
{%- endmacro %}
