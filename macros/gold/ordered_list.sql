{#- An aggregate: the list of `item` over the group, ordered by `sort_key` (ascending; build
    the key with `row(...)` and negate a number or an epoch for descending parts). Same
    result as `list(item order by ...)`, but DuckDB orders each finished list instead of
    keeping a sort state per group, which at 1M groups needed more than 8 GB. The order
    comes from `list_grade_up` over the keys alone, then `list_select` picks the items in
    it: sorting the (key, item) pairs themselves encoded every whole item, nested lists
    included, into a sort key (~20% of the purchase-history build). The key must
    identify the item within its group (each caller's ends with an id), so the order is
    always deterministic. -#}
{% macro ordered_list(item, sort_key) -%}
    {%- set pairs = 'list(struct_pack(sort_key := ' ~ sort_key ~ ', item := ' ~ item ~ '))' -%}
    list_select(
        list_transform({{ pairs }}, lambda entry: struct_extract(entry, 'item')),
        list_grade_up(list_transform({{ pairs }}, lambda entry: struct_extract(entry, 'sort_key')))
    )
{%- endmacro %}
