{#- One document per product (collection product_sales): the sales summary over every
    line (unknown customers included; macro product_sales_figures, as agg_product_performance
    has it) and the known customers who bought it, best buyer first (revenue, then key). It
    reads the lines themselves, not the aggregate, so it is built as soon as the facts are.
    Built in `document_build_buckets` passes of products (materialization `bucketed_table`)
    to bound memory. When only the keyed inputs changed, only the changed products'
    documents are rebuilt (`rebuild_by_key`, docs/layers.md). -#}
{{ config(materialized='bucketed_table', buckets=var('document_build_buckets'), rebuild_by_key={
    'column': '_id',
    'inputs': {'dim_product': 'product_key', 'fct_order_lines': 'product_key'},
}) }}

with products as (

    select * from {{ ref('dim_product') }}
    where {{ in_build_pass('product_key') }}

),

lines as (

    select * from {{ ref('fct_order_lines') }}
    where {{ in_build_pass('product_key') }}

),

sales as (

    {{ product_sales_figures('products', 'lines') }}

),

buyers as (

    select
        product_key,
        customer_key,
        count(distinct order_key) as order_count,
        sum(quantity) as units,
        sum(line_amount) as revenue,
        max(order_date) as last_purchase_date
    from lines
    where customer_key != '{{ var("unknown_member_key") }}'
    group by all

),

buyer_lists as (

    select
        product_key,
        {{ ordered_list(
            'struct_pack(
                customer_key := customer_key,
                order_count := order_count,
                units := cast(units as bigint),
                revenue := cast(revenue as decimal(18, 2)),
                last_purchase_date := last_purchase_date
            )',
            'row(-revenue, customer_key)'
        ) }} as customers
    from buyers
    group by product_key

),

final as (

    select
        products.product_key as _id,
        products.product_name,
        products.category_name,
        products.channel,
        struct_pack(
            order_count := sales.order_count,
            customer_count := sales.customer_count,
            units := sales.units,
            units_returned := sales.units_returned,
            gross_amount := sales.gross_amount,
            returns_amount := sales.returns_amount,
            revenue := sales.revenue,
            first_sold_date := sales.first_sold_date,
            last_sold_date := sales.last_sold_date
        ) as summary,
        coalesce(
            buyer_lists.customers,
            cast([] as struct(
                customer_key varchar, order_count bigint, units bigint, revenue decimal(18, 2),
                last_purchase_date date
            )[])
        ) as customers
    from products
    inner join sales
        on products.product_key = sales.product_key
    left join buyer_lists
        on products.product_key = buyer_lists.product_key

)

select * from final
