-- The number of orders and of order lines is one number in every gold model that counts
-- them, and equals silver's. Returns a row per disagreement.
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
        sum(line_count) as line_count
    from {{ ref('fct_orders') }}
    union all
    select
        'fct_order_lines' as model_name,
        count(distinct lines.order_key) + any_value(orders_without_lines.order_count) as order_count,
        count(*) as line_count
    from {{ ref('fct_order_lines') }} as lines
    cross join orders_without_lines
    union all
    select
        'agg_sales_by_state_month' as model_name,
        sum(order_count) as order_count,
        sum(line_count) as line_count
    from {{ ref('agg_sales_by_state_month') }}
    union all
    select
        'doc_customer_purchase_history + unknown customer' as model_name,
        sum(histories.order_count) + any_value(unknown_customer.order_count) as order_count,
        sum(histories.line_count) + any_value(unknown_customer.line_count) as line_count
    from {{ ref('doc_customer_purchase_history') }} as histories
    cross join unknown_customer
    union all
    select
        'doc_customer_purchase_history nested orders + unknown customer' as model_name,
        sum(len(histories.orders)) + any_value(unknown_customer.order_count) as order_count,
        sum(histories.line_count) + any_value(unknown_customer.line_count) as line_count
    from {{ ref('doc_customer_purchase_history') }} as histories
    cross join unknown_customer
    union all
    select
        'silver slv_orders' as model_name,
        count(*) as order_count,
        sum(line_count) as line_count
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
