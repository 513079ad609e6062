{#- One row per unified customer: RFM (recency, frequency, monetary) scores and a segment,
    by the rule in docs block `rfm_segmentation`. Recency is counted to the latest order
    date in the data (`as_of_date`), not to today, so a rebuild of the same data gives the
    same scores; a latest order date that stands alone, more than var
    `rfm_as_of_max_gap_days` after the order date before it, is an outlier and does not
    count. Scores are quintiles by percent rank (ties share a score). -#}
with customers as (

    select * from {{ ref('dim_customer') }}
    where not is_unknown_member

),

orders as (

    select * from {{ ref('fct_orders') }}

),

order_days as (

    select
        order_date,
        -- dbt.datediff compiles to one long line
        {{ dbt.datediff('lag(order_date) over (order by order_date)', 'order_date', 'day') }} as gap_days -- noqa: LT05
    from (select distinct order_date from orders) as distinct_days

),

as_of as (

    select max(order_date) as as_of_date
    from order_days
    where coalesce(gap_days, 0) <= {{ var('rfm_as_of_max_gap_days') }}

),

per_customer as (

    select
        customer_key,
        count(*) as order_count,
        sum(units) as units,
        sum(revenue) as revenue,
        min(order_date) as first_order_date,
        max(order_date) as last_order_date
    from orders
    group by customer_key

),

ranked as (

    select
        per_customer.*,
        as_of.as_of_date,
        -- dbt.datediff compiles to one long line
        greatest(0, {{ dbt.datediff('per_customer.last_order_date', 'as_of.as_of_date', 'day') }}) as recency_days, -- noqa: LT05
        percent_rank() over (order by per_customer.last_order_date) as recency_rank,
        percent_rank() over (order by per_customer.order_count) as frequency_rank,
        percent_rank() over (order by per_customer.revenue) as monetary_rank
    from per_customer
    cross join as_of
    where per_customer.customer_key in (select customers.customer_key from customers)

),

scored as (

    select
        *,
        cast(least(5, 1 + floor(5 * recency_rank)) as integer) as recency_score,
        cast(least(5, 1 + floor(5 * frequency_rank)) as integer) as frequency_score,
        cast(least(5, 1 + floor(5 * monetary_rank)) as integer) as monetary_score
    from ranked

),

final as (

    select
        -- ids
        customers.customer_key,
        -- strings
        scored.recency_score || '' || scored.frequency_score || '' || scored.monetary_score as rfm_score,
        {{ rfm_segment('scored.recency_score', 'scored.frequency_score', 'scored.monetary_score') }} as segment,
        -- numbers
        coalesce(scored.order_count, 0) as order_count,
        cast(coalesce(scored.units, 0) as bigint) as units,
        cast(coalesce(scored.revenue, 0) as decimal(18, 2)) as revenue,
        cast(scored.revenue / scored.order_count as decimal(18, 2)) as average_order_value,
        cast(scored.recency_days as integer) as recency_days,
        scored.recency_score,
        scored.frequency_score,
        scored.monetary_score,
        -- dates
        scored.first_order_date,
        scored.last_order_date,
        scored.as_of_date
    from customers
    left join scored
        on customers.customer_key = scored.customer_key

)

select * from final
