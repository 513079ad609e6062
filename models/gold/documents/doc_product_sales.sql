{#- One document per product (collection product_sales): the sales summary over every
    line (unknown customers included) and the known customers who bought it, best buyer
    first (revenue, then key). Built in `document_build_buckets` passes of products
    (materialization `bucketed_table`) to bound memory. When only the keyed inputs changed,
    only the changed products' documents are rebuilt (`rebuild_by_key`, docs/layers.md). -#}
{{ config(materialized='bucketed_table', buckets=var('document_build_buckets'), rebuild_by_key={
    'column': '_id',
    'inputs': {'agg_product_performance': 'product_key', 'fct_order_lines': 'product_key'},
}) }}

with performance as (

    select * from {{ ref('agg_product_performance') }}
    where {{ in_build_pass('product_key') }}

),

lines as (

    select * from {{ ref('fct_order_lines') }}
    where customer_key != '{{ var("unknown_member_key") }}' and {{ in_build_pass('product_key') }}

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
        performance.product_key as _id,
        performance.product_name,
        performance.category_name,
        performance.channel,
        struct_pack(
            order_count := performance.order_count,
            customer_count := performance.customer_count,
            units := performance.units,
            units_returned := performance.units_returned,
            gross_amount := performance.gross_amount,
            returns_amount := performance.returns_amount,
            revenue := performance.revenue,
            first_sold_date := performance.first_sold_date,
            last_sold_date := performance.last_sold_date
        ) as summary,
        coalesce(
            buyer_lists.customers,
            cast([] as struct(
                customer_key varchar, order_count bigint, units bigint, revenue decimal(18, 2),
                last_purchase_date date
            )[])
        ) as customers
    from performance
    left join buyer_lists
        on performance.product_key = buyer_lists.product_key

)

select * from final
