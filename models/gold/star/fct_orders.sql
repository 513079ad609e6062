{#- Grain: one order of either channel, with its line totals. An order whose lines were
    all quarantined keeps its row with zero lines and zero revenue (the order happened;
    its lines are in the quarantine). -#}
{#- an order's row depends on its silver order, its fact lines and its customer: a build
    compares only the orders whose values of these keys the inputs' merges changed -#}
{{ config(merge_changed_rows_by='order_key', merge_scope={
    'slv_orders': 'order_key',
    'fct_order_lines': 'order_key',
    'dim_customer': 'customer_key',
}) }}
with orders as (

    select * from {{ ref('slv_orders') }}

),

lines as (

    select * from {{ ref('fct_order_lines') }}

),

customers as (

    select * from {{ ref('dim_customer') }}

),

line_totals as (

    select
        order_key,
        count(*) as line_count,
        sum(quantity) as units,
        sum(case when not is_return then line_amount else 0 end) as gross_amount,
        sum(case when is_return then line_amount else 0 end) as returns_amount,
        sum(line_amount) as revenue,
        bool_or(is_return) as has_return
    from lines
    group by order_key

),

final as (

    select
        -- ids
        orders.order_key,
        orders.customer_key,
        customers.geography_key,
        orders.source_order_id,
        orders.source_customer_id,
        -- strings
        orders.source_system,
        orders.channel,
        -- numbers
        coalesce(line_totals.line_count, 0) as line_count,
        cast(coalesce(line_totals.units, 0) as bigint) as units,
        cast(coalesce(line_totals.gross_amount, 0) as decimal(18, 2)) as gross_amount,
        cast(coalesce(line_totals.returns_amount, 0) as decimal(18, 2)) as returns_amount,
        cast(coalesce(line_totals.revenue, 0) as decimal(18, 2)) as revenue,
        orders.source_total_amount,
        -- dbt.datediff compiles to one long line
        cast({{ dbt.datediff('orders.order_date', 'orders.shipped_date', 'day') }} as integer) as days_to_ship, -- noqa: LT05
        -- booleans
        orders.is_customer_known,
        coalesce(line_totals.has_return, false) as has_return,
        -- dates
        orders.order_date,
        orders.shipped_date,
        -- timestamps
        orders.ordered_at
    from orders
    left join customers
        on orders.customer_key = customers.customer_key
    left join line_totals
        on orders.order_key = line_totals.order_key

)

select * from final
