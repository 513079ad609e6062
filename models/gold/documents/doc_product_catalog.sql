{#- One document per product of either catalog (collection product_catalog): name,
    denormalized category and supplier, the flexible `specifications` object (attribute
    name -> value, empty for products without attributes), price, stock, rating and sales
    stats. -#}
with products as (

    select * from {{ ref('dim_product') }}

),

performance as (

    select * from {{ ref('agg_product_performance') }}

),

final as (

    select
        products.product_key as _id,
        products.source_system,
        products.source_product_id,
        products.channel,
        products.product_name as name,
        struct_pack(
            category_id := products.category_id,
            category_name := products.category_name
        ) as category,
        struct_pack(
            supplier_id := products.supplier_id,
            supplier_name := products.supplier_name
        ) as supplier,
        products.specifications,
        products.current_price as price,
        products.available_quantity as stock,
        struct_pack(
            review_count := performance.review_count,
            rated_review_count := performance.rated_review_count,
            average_rating := performance.average_rating
        ) as rating,
        struct_pack(
            order_count := performance.order_count,
            units := performance.units,
            revenue := performance.revenue,
            last_sold_date := performance.last_sold_date
        ) as sales
    from products
    left join performance
        on products.product_key = performance.product_key

)

select * from final
