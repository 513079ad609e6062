{#- One document per unified customer: the customer 360 profile exported to MongoDB
    (collection customer_profiles). Identity with masked/hashed contact data, location,
    channels, lifetime metrics with the RFM segment, preferences (top categories),
    recent_activity_log (latest events and orders, newest first) and a review summary.
    Built in `document_build_buckets` passes of customers (materialization
    `bucketed_table`) to bound memory. When only the keyed inputs changed, only the
    changed customers' documents are rebuilt (`rebuild_by_key`, docs/layers.md). -#}
{{ config(materialized='bucketed_table', buckets=var('document_build_buckets'), rebuild_by_key={
    'column': '_id',
    'inputs': {
        'dim_customer': 'customer_key',
        'agg_customer_value': 'customer_key',
        'fct_orders': 'customer_key',
        'fct_order_lines': 'customer_key',
        'slv_events': 'customer_key',
        'slv_reviews': 'customer_key',
    },
    'shared_columns': {'dim_product': ['product_key', 'category_name']},
}) }}

with customers as (

    select * from {{ ref('dim_customer') }}
    where not is_unknown_member and {{ in_build_pass('customer_key') }}

),

customer_value as (

    select * from {{ ref('agg_customer_value') }}
    where {{ in_build_pass('customer_key') }}

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

events as (

    select * from {{ ref('slv_events') }}
    where customer_key is not null and {{ in_build_pass('customer_key') }}

),

reviews as (

    select * from {{ ref('slv_reviews') }}
    where {{ in_build_pass('customer_key') }}

),

channel_orders as (

    select
        customer_key,
        count(*) filter (where channel = 'online') as online_order_count,
        count(*) filter (where channel = 'store') as store_order_count
    from orders
    group by customer_key

),

category_sales as (

    select
        lines.customer_key,
        products.category_name,
        sum(lines.line_amount) as revenue,
        sum(lines.quantity) as units,
        count(distinct lines.order_key) as order_count
    from lines
    inner join products
        on lines.product_key = products.product_key
    group by all
    having sum(lines.line_amount) > 0

),

top_categories as (

    select
        customer_key,
        {{ ordered_list(
            'struct_pack(
                category_name := category_name,
                revenue := cast(revenue as decimal(18, 2)),
                units := cast(units as bigint),
                order_count := order_count
            )',
            'row(-revenue, -order_count, category_name)'
        ) }}[1:{{ var('top_categories_limit') }}] as top_categories
    from category_sales
    group by customer_key

),

activities as (

    select
        customer_key,
        occurred_at,
        'event' as activity_type,
        event_id as activity_id,
        'web' as channel,
        event_type,
        product_key,
        cast(null as decimal(18, 2)) as amount
    from events
    union all
    select
        customer_key,
        coalesce(ordered_at, cast(order_date as timestamptz)) as occurred_at,
        'order' as activity_type,
        order_key as activity_id,
        channel,
        cast(null as varchar) as event_type,
        cast(null as varchar) as product_key,
        revenue as amount
    from orders

),

latest_activities as (

    select * from activities
    qualify row_number() over (
        partition by customer_key order by occurred_at desc, activity_type asc, activity_id asc
    ) <= {{ var('recent_activity_limit') }}

),

recent_activity as (

    select
        customer_key,
        {{ ordered_list(
            'struct_pack(
                occurred_at := occurred_at,
                activity_type := activity_type,
                activity_id := activity_id,
                channel := channel,
                event_type := event_type,
                product_key := product_key,
                amount := amount
            )',
            'row(-epoch_us(occurred_at), activity_type, activity_id)'
        ) }} as recent_activity_log
    from latest_activities
    group by customer_key

),

review_summary as (

    select
        customer_key,
        count(*) as review_count,
        cast(avg(rating) as decimal(3, 2)) as average_rating,
        max(review_date) as last_review_date
    from reviews
    group by customer_key

),

final as (

    select
        customers.customer_key as _id,
        struct_pack(
            first_name := customers.first_name,
            last_name := customers.last_name,
            email_masked := customers.email_masked,
            email_sha256 := customers.email_sha256,
            phone_masked := customers.phone_masked,
            birth_year := customers.birth_year
        ) as identity,
        struct_pack(
            zip_code := customers.zip_code,
            city_name := customers.city_name,
            state_code := customers.state_code,
            state_name := customers.state_name
        ) as location,
        struct_pack(
            has_online_account := customers.has_online_account,
            has_store_account := customers.has_store_account,
            online_customer_id := customers.online_customer_id,
            store_customer_id := customers.store_customer_id,
            match_rule := customers.match_rule,
            registration_date := customers.registration_date
        ) as channels,
        struct_pack(
            order_count := customer_value.order_count,
            online_order_count := coalesce(channel_orders.online_order_count, 0),
            store_order_count := coalesce(channel_orders.store_order_count, 0),
            units := customer_value.units,
            revenue := customer_value.revenue,
            average_order_value := customer_value.average_order_value,
            first_order_date := customer_value.first_order_date,
            last_order_date := customer_value.last_order_date,
            recency_days := customer_value.recency_days,
            rfm_score := customer_value.rfm_score,
            segment := customer_value.segment
        ) as lifetime,
        struct_pack(
            top_categories := coalesce(
                top_categories.top_categories,
                cast([] as struct(
                    category_name varchar, revenue decimal(18, 2), units bigint, order_count bigint
                )[])
            )
        ) as preferences,
        coalesce(
            recent_activity.recent_activity_log,
            cast([] as struct(
                occurred_at timestamptz, activity_type varchar, activity_id varchar, channel varchar,
                event_type varchar, product_key varchar, amount decimal(18, 2)
            )[])
        ) as recent_activity_log,
        struct_pack(
            review_count := coalesce(review_summary.review_count, 0),
            average_rating := review_summary.average_rating,
            last_review_date := review_summary.last_review_date
        ) as reviews
    from customers
    left join customer_value
        on customers.customer_key = customer_value.customer_key
    left join channel_orders
        on customers.customer_key = channel_orders.customer_key
    left join top_categories
        on customers.customer_key = top_categories.customer_key
    left join recent_activity
        on customers.customer_key = recent_activity.customer_key
    left join review_summary
        on customers.customer_key = review_summary.customer_key

)

select * from final
