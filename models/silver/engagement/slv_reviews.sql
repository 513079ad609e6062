{#- One row per online review. Ratings outside 1-5 and missing ratings are kept as a
    NULL rating (the review text still counts) and flagged in `dq_flags`; reviews whose
    author is not a known customer are kept against the unknown customer. -#}
with reviews as (

    select * from {{ ref('slv_mariadb_reviews__checked') }}
    where outcome = 'silver'

),

matched as (

    select * from {{ ref('slv_customers__matched') }}
    where source_system = 'mariadb'

),

final as (

    select
        -- ids
        {{ generate_surrogate_key(["'mariadb'", 'reviews.review_id']) }} as review_key,
        reviews.review_id as source_review_id,
        {{ generate_surrogate_key(["'mariadb'", 'reviews.product_id']) }} as product_key,
        coalesce(matched.customer_key, '{{ var("unknown_member_key") }}') as customer_key,
        reviews.customer_id as source_customer_id,
        -- strings
        reviews.review_text,
        reviews.dq_flags,
        -- numbers
        reviews.rating,
        reviews.landed_rating,
        -- booleans
        matched.customer_key is not null as is_customer_known,
        -- dates
        reviews.review_date
    from reviews
    left join matched
        on reviews.customer_id = matched.source_customer_id

)

select * from final
