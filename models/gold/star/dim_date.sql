{#- A calendar: one row per day from 1 January of the first year that has an order,
    review or event to 31 December of the last. Generated, so every day exists even without
    sales (BI tools need the gaps). -#}
with dates as (

    select order_date as activity_date from {{ ref('slv_orders') }}
    union all
    select review_date from {{ ref('slv_reviews') }}
    union all
    select event_date from {{ ref('slv_events') }}

),

bounds as (

    select
        make_date(cast(year(min(activity_date)) as integer), 1, 1) as first_day,
        make_date(cast(year(max(activity_date)) as integer), 12, 31) as last_day
    from dates

),

spine as (

    select cast(unnest(generate_series(bounds.first_day, bounds.last_day, interval 1 day)) as date) as date_day
    from bounds

),

final as (

    select
        -- ids
        date_day,
        strftime(date_day, '%Y-%m') as year_month,
        -- strings
        strftime(date_day, '%B') as month_name,
        strftime(date_day, '%A') as day_name,
        -- numbers
        cast(year(date_day) as integer) as year_number,
        cast(quarter(date_day) as integer) as quarter_number,
        cast(month(date_day) as integer) as month_number,
        cast(day(date_day) as integer) as day_of_month,
        cast(isodow(date_day) as integer) as iso_day_of_week,
        cast(weekofyear(date_day) as integer) as iso_week_number,
        -- booleans
        isodow(date_day) in (6, 7) as is_weekend,
        -- dates
        cast(date_trunc('month', date_day) as date) as month_start_date
    from spine

)

select * from final
