-- No "no date" sentinel reaches gold: every order, ship, review and registration date in
-- gold lies in the plausibility window (macro plausible_date_window), birth years in the
-- birth-date window, and dim_date spans only whole years of the window. Fails with
-- every date outside it.
{%- set window = plausible_date_window() %}
{%- set birth_window = plausible_date_window('birth') %}
with gold_dates as (

    select
        'fct_orders.order_date' as gold_column,
        order_date as gold_date
    from {{ ref('fct_orders') }}
    union all
    select
        'fct_orders.shipped_date' as gold_column,
        shipped_date as gold_date
    from {{ ref('fct_orders') }}
    union all
    select
        'fct_orders.ordered_at' as gold_column,
        cast(ordered_at as date) as gold_date
    from {{ ref('fct_orders') }}
    union all
    select
        'doc_reviews.review_date' as gold_column,
        review_date as gold_date
    from {{ ref('doc_reviews') }}
    union all
    select
        'dim_customer.registration_date' as gold_column,
        registration_date as gold_date
    from {{ ref('dim_customer') }}

),

outside as (

    select
        gold_column,
        cast(gold_date as {{ dbt.type_string() }}) as bad_value
    from gold_dates
    where not {{ is_plausible_date('gold_date') }}
    union all
    select
        'dim_customer.birth_year' as gold_column,
        cast(birth_year as {{ dbt.type_string() }}) as bad_value
    from {{ ref('dim_customer') }}
    where birth_year not between {{ birth_window[0][:4] }} and {{ birth_window[1][:4] }}
    union all
    select
        'dim_date.date_day' as gold_column,
        cast(date_day as {{ dbt.type_string() }}) as bad_value
    from {{ ref('dim_date') }}
    where year(date_day) not between {{ window[0][:4] }} and {{ window[1][:4] }}

)

select * from outside
