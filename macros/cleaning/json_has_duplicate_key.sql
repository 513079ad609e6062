{#- True when a JSON value repeats a key in any of its objects, nested ones included.
    DuckDB keeps both members and `->>` returns the first; other readers take the last.
    json_tree lists every member with its parent node: two members of one parent with one
    key are a duplicate. -#}
{% macro json_has_duplicate_key(json_expression) -%}
    exists (
        select 1
        from json_tree({{ json_expression }}) as members
        where members.key is not null
        group by members.parent, members.key
        having count(*) > 1
    )
{%- endmacro %}
