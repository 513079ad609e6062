-- Net revenue is one number however gold is read: order lines, orders, sales by state and
-- month, product performance, product sales documents, and customer purchase histories
-- (orders and their nested lines) plus the orders of the unknown customer, which belong
-- to no customer document. Returns a row per disagreement.
with unknown_customer as (

    select coalesce(sum(revenue), 0) as revenue
    from {{ ref('fct_orders') }}
    where customer_key = '{{ var("unknown_member_key") }}'

),

history_orders as (

    select unnest(orders, max_depth := 2)
    from {{ ref('doc_customer_purchase_history') }}

),

history_lines as (

    select unnest(lines, max_depth := 2)
    from history_orders

),

product_sales as (

    select unnest(summary)
    from {{ ref('doc_product_sales') }}

),

totals as (

    select
        'fct_order_lines' as model_name,
        sum(line_amount) as revenue
    from {{ ref('fct_order_lines') }}
    union all
    select
        'fct_orders' as model_name,
        sum(revenue) as revenue
    from {{ ref('fct_orders') }}
    union all
    select
        'agg_sales_by_state_month' as model_name,
        sum(revenue) as revenue
    from {{ ref('agg_sales_by_state_month') }}
    union all
    select
        'agg_product_performance' as model_name,
        sum(revenue) as revenue
    from {{ ref('agg_product_performance') }}
    union all
    select
        'doc_product_sales' as model_name,
        sum(revenue) as revenue
    from product_sales
    union all
    select
        'doc_customer_purchase_history + unknown customer' as model_name,
        sum(histories.revenue) + any_value(unknown_customer.revenue) as revenue
    from {{ ref('doc_customer_purchase_history') }} as histories
    cross join unknown_customer
    union all
    select
        'doc_customer_purchase_history orders + unknown customer' as model_name,
        sum(history_orders.revenue) + any_value(unknown_customer.revenue) as revenue
    from history_orders
    cross join unknown_customer
    union all
    select
        'doc_customer_purchase_history lines + unknown customer' as model_name,
        sum(history_lines.line_amount) + any_value(unknown_customer.revenue) as revenue
    from history_lines
    cross join unknown_customer
    union all
    select
        'silver slv_order_lines' as model_name,
        sum(line_amount) as revenue
    from {{ ref('slv_order_lines') }}

),

reference as (

    select totals.revenue
    from totals
    where totals.model_name = 'fct_order_lines'

)

select
    totals.model_name,
    totals.revenue,
    reference.revenue as fct_order_lines_revenue
from totals
cross join reference
where totals.revenue is distinct from reference.revenue
