{#- One document per unified customer: every order (oldest first), each with its lines,
    and the totals (collection customer_purchase_history). A customer without orders has
    an empty `orders` list. Orders of unknown customers are in no document (see docs block
    `gold_revenue`). Built in `document_build_buckets` passes of customers (materialization
    `bucketed_table`): the nested aggregates of all customers at once do not fit in memory
    at scale 10. When only the keyed inputs changed, only the changed customers' documents
    are rebuilt (`rebuild_by_key`, docs/layers.md). -#}
{{ config(materialized='bucketed_table', buckets=var('document_build_buckets'), rebuild_by_key={
    'column': '_id',
    'inputs': {
        'dim_customer': 'customer_key',
        'fct_orders': 'customer_key',
        'fct_order_lines': 'customer_key',
    },
    'shared_columns': {'dim_product': ['product_key', 'product_name', 'category_name']},
}) }}

with customers as (

    select * from {{ ref('dim_customer') }}
    where not is_unknown_member and {{ in_build_pass('customer_key') }}

),

orders as (

    select * from {{ ref('fct_orders') }}
    where {{ in_build_pass('customer_key') }}

),

lines as (

    select * from {{ ref('fct_order_lines') }}
    where {{ in_build_pass('customer_key') }}

),

products as (

    select * from {{ ref('dim_product') }}

),

order_lines as (

    select
        lines.order_key,
        {{ ordered_list(
            'struct_pack(
                order_line_key := lines.order_line_key,
                product_key := lines.product_key,
                product_name := products.product_name,
                category_name := products.category_name,
                quantity := lines.quantity,
                unit_price := lines.unit_price,
                line_amount := lines.line_amount,
                is_return := lines.is_return
            )',
            'row(lines.source_line_id, lines.order_line_key)'
        ) }} as lines
    from lines
    left join products
        on lines.product_key = products.product_key
    group by lines.order_key

),

customer_orders as (

    select
        orders.customer_key,
        count(*) as order_count,
        sum(orders.line_count) as line_count,
        sum(orders.revenue) as revenue,
        min(orders.order_date) as first_order_date,
        max(orders.order_date) as last_order_date,
        {{ ordered_list(
            'struct_pack(
                order_key := orders.order_key,
                source_order_id := orders.source_order_id,
                channel := orders.channel,
                order_date := orders.order_date,
                shipped_date := orders.shipped_date,
                ordered_at := orders.ordered_at,
                revenue := orders.revenue,
                lines := coalesce(
                    order_lines.lines,
                    cast([] as struct(
                        order_line_key varchar, product_key varchar, product_name varchar, category_name varchar,
                        quantity bigint, unit_price decimal(12, 2), line_amount decimal(14, 2), is_return boolean
                    )[])
                )
            )',
            'row(orders.order_date, orders.ordered_at, orders.order_key)'
        ) }} as orders
    from orders
    left join order_lines
        on orders.order_key = order_lines.order_key
    group by orders.customer_key

),

final as (

    select
        customers.customer_key as _id,
        coalesce(customer_orders.order_count, 0) as order_count,
        cast(coalesce(customer_orders.line_count, 0) as bigint) as line_count,
        cast(coalesce(customer_orders.revenue, 0) as decimal(18, 2)) as revenue,
        customer_orders.first_order_date,
        customer_orders.last_order_date,
        coalesce(
            customer_orders.orders,
            cast([] as struct(
                order_key varchar, source_order_id varchar, channel varchar, order_date date, shipped_date date,
                ordered_at timestamptz, revenue decimal(18, 2), lines struct(
                    order_line_key varchar, product_key varchar, product_name varchar, category_name varchar,
                    quantity bigint, unit_price decimal(12, 2), line_amount decimal(14, 2), is_return boolean
                )[]
            )[])
        ) as orders
    from customers
    left join customer_orders
        on customers.customer_key = customer_orders.customer_key

)

select * from final
