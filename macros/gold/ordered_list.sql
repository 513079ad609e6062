{#- An aggregate: the list of `item` over the group, ordered by `sort_key` (ascending; build
    the key with `row(...)` and negate a number or an epoch for descending parts). Same
    result as `list(item order by ...)`, but DuckDB sorts each finished list instead of
    keeping a sort state per group, which at 1M groups needed more than 8 GB. Ties on the
    key are broken by the item itself, so the order is always deterministic. -#}
{% macro ordered_list(item, sort_key) -%}
    list_transform(
        list_sort(list(struct_pack(sort_key := {{ sort_key }}, item := {{ item }}))),
        entry -> entry.item
    )
{%- endmacro %}
