{#- Sales by the customer's state, calendar month and channel. Orders of customers without
    a known state count under the unknown member (state_code = var `unknown_member_key`), so
    the totals add up to fct_order_lines. -#}
with orders as (

    select * from {{ ref('fct_orders') }}

),

customers as (

    select * from {{ ref('dim_customer') }}

),

sales as (

    select
        coalesce(customers.state_code, '{{ var("unknown_member_key") }}') as state_code,
        cast({{ dbt.date_trunc('month', 'orders.order_date') }} as date) as month_start_date,
        orders.channel,
        max(customers.state_name) as state_name,
        count(*) as order_count,
        count(distinct case when not customers.is_unknown_member then orders.customer_key end) as customer_count,
        sum(orders.line_count) as line_count,
        sum(orders.units) as units,
        sum(orders.gross_amount) as gross_amount,
        sum(orders.returns_amount) as returns_amount,
        sum(orders.revenue) as revenue
    from orders
    left join customers
        on orders.customer_key = customers.customer_key
    group by all

),

final as (

    select
        -- ids
        sales.state_code || '|' || strftime(sales.month_start_date, '%Y-%m') || '|' || sales.channel
            as sales_key,
        sales.state_code,
        -- strings
        sales.state_name,
        sales.channel,
        -- numbers
        cast(year(sales.month_start_date) as integer) as year_number,
        cast(month(sales.month_start_date) as integer) as month_number,
        sales.order_count,
        sales.customer_count,
        cast(sales.line_count as bigint) as line_count,
        cast(sales.units as bigint) as units,
        cast(sales.gross_amount as decimal(18, 2)) as gross_amount,
        cast(sales.returns_amount as decimal(18, 2)) as returns_amount,
        cast(sales.revenue as decimal(18, 2)) as revenue,
        cast(sales.revenue / sales.order_count as decimal(18, 2)) as average_order_value,
        -- dates
        sales.month_start_date
    from sales

)

select * from final
