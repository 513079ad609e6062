{#- One row per product (sold or not): units, revenue, returns, buyers and review stats,
    and the product's revenue rank within its channel (1 = best seller). The sales figures
    are macro product_sales_figures' (doc_product_sales' summary reads the same). -#}
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

    {{ product_sales_figures('products', 'lines') }}

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
        sales.order_count,
        sales.customer_count,
        sales.units,
        sales.units_returned,
        sales.gross_amount,
        sales.returns_amount,
        sales.revenue,
        coalesce(ratings.review_count, 0) as review_count,
        coalesce(ratings.rated_review_count, 0) as rated_review_count,
        cast(ratings.average_rating as decimal(3, 2)) as average_rating,
        cast(rank() over (
            partition by products.channel order by sales.revenue desc
        ) as integer) as revenue_rank_in_channel,
        -- dates
        sales.first_sold_date,
        sales.last_sold_date
    from products
    inner join sales
        on products.product_key = sales.product_key
    left join ratings
        on products.product_key = ratings.product_key

)

select * from final
