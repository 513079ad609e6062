{#- Grain: one order line of either channel. Returns are lines with a negative quantity
    and a negative line amount, so sums are net. `revenue` everywhere in gold is the sum of
    `line_amount`. Partitioned by order year/month when published as Parquet. -#}
{#- a line's row depends on its silver line, its order and its order's customer: a build
    compares only the lines whose values of these keys the inputs' merges changed -#}
{{ config(merge_changed_rows_by='order_line_key', merge_scope={
    'slv_order_lines': 'order_line_key',
    'slv_orders': 'order_key',
    'dim_customer': 'customer_key',
}) }}
with lines as (

    select * from {{ ref('slv_order_lines') }}

),

orders as (

    select * from {{ ref('slv_orders') }}

),

customers as (

    select * from {{ ref('dim_customer') }}

),

final as (

    select
        -- ids
        lines.order_line_key,
        lines.order_key,
        orders.customer_key,
        lines.product_key,
        customers.geography_key,
        lines.source_line_id,
        lines.source_order_id,
        lines.source_product_id,
        -- strings
        lines.source_system,
        lines.channel,
        lines.unit_price_source,
        -- numbers
        lines.quantity,
        lines.unit_price,
        lines.line_amount,
        -- booleans
        lines.is_return,
        -- dates
        lines.order_date
    from lines
    left join orders
        on lines.order_key = orders.order_key
    left join customers
        on orders.customer_key = customers.customer_key

)

select * from final
