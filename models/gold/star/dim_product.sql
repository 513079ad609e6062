{#- One row per product of either catalog (online MariaDB catalog and store POS products;
    they share no ids and are not merged). Online products carry category, supplier and
    the flexible `specifications`; store products a category from the keyword crosswalk. -#}
with products as (

    select * from {{ ref('slv_products') }}

),

final as (

    select
        -- ids
        product_key,
        source_system,
        source_product_id,
        category_id,
        supplier_id,
        -- strings
        channel,
        product_name,
        coalesce(category_name, 'Uncategorized') as category_name,
        supplier_name,
        -- numbers
        current_price,
        available_quantity,
        -- maps
        specifications,
        -- dates
        last_seen_load_date
    from products

)

select * from final
