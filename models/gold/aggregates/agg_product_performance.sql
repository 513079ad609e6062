{#- One row per product (sold or not): units, revenue, returns, buyers and review stats,
    and the product's revenue rank within its channel (1 = best seller). -#}
with products as (

    select * from {{ ref('dim_product') }}

),

lines as (

    select * from {{ ref('fct_order_lines') }}

),

reviews as (

    select * from {{ ref('slv_reviews') }}

),

sales as (

    select
        product_key,
        count(distinct order_key) as order_count,
        count(distinct case when customer_key != '{{ var("unknown_member_key") }}' then customer_key end)
            as customer_count,
        sum(quantity) as units,
        sum(case when is_return then -quantity else 0 end) as units_returned,
        sum(case when not is_return then line_amount else 0 end) as gross_amount,
        sum(case when is_return then line_amount else 0 end) as returns_amount,
        sum(line_amount) as revenue,
        min(order_date) as first_sold_date,
        max(order_date) as last_sold_date
    from lines
    group by product_key

),

ratings as (

    select
        product_key,
        count(*) as review_count,
        count(rating) as rated_review_count,
        avg(rating) as average_rating
    from reviews
    group by product_key

),

final as (

    select
        -- ids
        products.product_key,
        products.source_product_id,
        -- strings
        products.product_name,
        products.category_name,
        products.channel,
        -- numbers
        coalesce(sales.order_count, 0) as order_count,
        coalesce(sales.customer_count, 0) as customer_count,
        cast(coalesce(sales.units, 0) as bigint) as units,
        cast(coalesce(sales.units_returned, 0) as bigint) as units_returned,
        cast(coalesce(sales.gross_amount, 0) as decimal(18, 2)) as gross_amount,
        cast(coalesce(sales.returns_amount, 0) as decimal(18, 2)) as returns_amount,
        cast(coalesce(sales.revenue, 0) as decimal(18, 2)) as revenue,
        coalesce(ratings.review_count, 0) as review_count,
        coalesce(ratings.rated_review_count, 0) as rated_review_count,
        cast(ratings.average_rating as decimal(3, 2)) as average_rating,
        cast(rank() over (
            partition by products.channel order by coalesce(sales.revenue, 0) desc
        ) as integer) as revenue_rank_in_channel,
        -- dates
        sales.first_sold_date,
        sales.last_sold_date
    from products
    left join sales
        on products.product_key = sales.product_key
    left join ratings
        on products.product_key = ratings.product_key

)

select * from final
