{{ config(rebuild_by_extraction={
    'table': 'Order_Items',
    'input': 'brz_mariadb__order_items',
    'key': 'order_item_id',
    'parents': {
        'slv_mariadb_orders__checked': 'order_id',
        'slv_mariadb_products__checked': 'product_id',
    },
}) }}
with items as (

    select * from {{ ref('brz_mariadb__order_items') }}

),

order_status as (

    {{ usable_keys('slv_mariadb_orders__checked', 'order_id') }}

),

product_status as (

    {{ usable_keys('slv_mariadb_products__checked', 'product_id') }}

),

typed as (

    select
        -- ids
        cast(items.order_item_id as {{ dbt.type_string() }}) as order_item_id,
        cast(items.order_item_id as {{ dbt.type_string() }}) as natural_key,
        cast(items.order_id as {{ dbt.type_string() }}) as order_id,
        cast(items.product_id as {{ dbt.type_string() }}) as product_id,
        -- numbers
        cast(items.quantity as bigint) as quantity,
        items.price as unit_price,
        -- booleans
        coalesce(items.quantity < 0, false) as is_return,
        -- data quality
        {{ issue_list([
            ('items.order_item_id is null or items.order_id is null or items.product_id is null',
             'missing_key'),
            ('items.quantity is null', 'missing_quantity'),
            ('items.quantity = 0', 'zero_quantity'),
            ('items.price is null', 'missing_price'),
            ('items.price < 0', 'negative_price'),
            ('items.order_id is not null and order_status.order_id is null', 'orphan_fk'),
            ('not order_status.is_usable', 'parent_quarantined'),
            ('items.product_id is not null and product_status.product_id is null', 'orphan_fk'),
            ('not product_status.is_usable', 'parent_quarantined'),
            ('len(items._conversion_errors) > 0', 'unconvertible_value'),
        ]) }} as quarantine_reasons,
        {{ issue_list([]) }} as dq_flags,
        {% call with_unconvertible_values('items._conversion_errors') %}
            to_json(struct_pack(
                items.order_item_id, items.order_id, items.product_id, items.quantity, items.price
            ))
        {% endcall %} as _raw_row,
        {{ current_extraction('Order_Items', 'items._extraction_id') }} as _is_candidate,
        -- lineage
        items._extraction_id,
        items._source_system,
        items._source_file,
        items._load_date,
        items._source_row_number,
        items._row_hash
    from items
    left join order_status
        on cast(items.order_id as {{ dbt.type_string() }}) = order_status.order_id
    left join product_status
        on cast(items.product_id as {{ dbt.type_string() }}) = product_status.product_id

),

-- every typed row with its outcome (silver, duplicate, superseded, quarantined)
decided as (

    {{ resolve_versions(
        from_cte='typed',
        key_columns=['order_item_id'],
        content_columns=['order_item_id', 'order_id', 'product_id', 'quantity', 'unit_price'],
        group_by='_extraction_id',
        latest_read_only=true,
    ) }}

)

-- resolve_versions ends in a union, which sqlfluff cannot follow (see the macro)
select * from decided  -- noqa: AM04
