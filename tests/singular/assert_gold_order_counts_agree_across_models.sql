-- The number of orders and of order lines is one number in every gold model that counts
-- them, and equals silver's. Returns a row per disagreement. Empty models count 0 (a build
-- whose only enabled source system is the clickstream has no orders).
with unknown_customer as (

    select
        count(*) as order_count,
        coalesce(sum(line_count), 0) as line_count
    from {{ ref('fct_orders') }}
    where customer_key = '{{ var("unknown_member_key") }}'

),

orders_without_lines as (

    select count(*) as order_count
    from {{ ref('fct_orders') }}
    where line_count = 0

),

counts as (

    select
        'fct_orders' as model_name,
        count(*) as order_count,
        coalesce(sum(line_count), 0) as line_count
    from {{ ref('fct_orders') }}
    union all
    select
        'fct_order_lines' as model_name,
        count(distinct lines.order_key)
        + (select orders_without_lines.order_count from orders_without_lines) as order_count,
        count(*) as line_count
    from {{ ref('fct_order_lines') }} as lines
    union all
    select
        'agg_sales_by_state_month' as model_name,
        coalesce(sum(order_count), 0) as order_count,
        coalesce(sum(line_count), 0) as line_count
    from {{ ref('agg_sales_by_state_month') }}
    union all
    select
        'doc_customer_purchase_history + unknown customer' as model_name,
        coalesce(sum(histories.order_count), 0)
        + (select unknown_customer.order_count from unknown_customer) as order_count,
        coalesce(sum(histories.line_count), 0)
        + (select unknown_customer.line_count from unknown_customer) as line_count
    from {{ ref('doc_customer_purchase_history') }} as histories
    union all
    select
        'doc_customer_purchase_history nested orders + unknown customer' as model_name,
        coalesce(sum(len(histories.orders)), 0)
        + (select unknown_customer.order_count from unknown_customer) as order_count,
        coalesce(sum(histories.line_count), 0)
        + (select unknown_customer.line_count from unknown_customer) as line_count
    from {{ ref('doc_customer_purchase_history') }} as histories
    union all
    select
        'silver slv_orders' as model_name,
        count(*) as order_count,
        coalesce(sum(line_count), 0) as line_count
    from {{ ref('slv_orders') }}

),

reference as (

    select
        counts.order_count,
        counts.line_count
    from counts
    where counts.model_name = 'fct_orders'

)

select
    counts.model_name,
    counts.order_count,
    counts.line_count,
    reference.order_count as fct_orders_order_count,
    reference.line_count as fct_orders_line_count
from counts
cross join reference
where
    counts.order_count is distinct from reference.order_count
    or counts.line_count is distinct from reference.line_count
