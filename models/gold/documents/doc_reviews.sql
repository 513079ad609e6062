{#- One document per online review (collection reviews): rating (NULL when missing or out
    of range at the source), text, date, and references to the product and the customer. -#}
with reviews as (

    select * from {{ ref('slv_reviews') }}

),

products as (

    select * from {{ ref('dim_product') }}

),

final as (

    select
        reviews.review_key as _id,
        reviews.source_review_id,
        struct_pack(
            product_key := reviews.product_key,
            source_product_id := products.source_product_id,
            product_name := products.product_name,
            category_name := products.category_name
        ) as product,
        struct_pack(
            customer_key := reviews.customer_key,
            is_known := reviews.is_customer_known
        ) as customer,
        reviews.rating,
        reviews.review_text,
        reviews.dq_flags,
        reviews.review_date
    from reviews
    left join products
        on reviews.product_key = products.product_key

)

select * from final
