{#- One row per unified customer (silver identity resolution) plus the unknown member that
    orders and reviews of unknown customers point at. Contact data is hashed or masked
    (docs block `gold_pii`): gold never carries a raw email, phone, street address or
    birth date. Rebuilt by merging only the customers whose row changed
    (`merge_changed_rows_by`), so that the facts that read it compare only those orders and
    lines (`merge_scope`). -#}
{{ config(merge_changed_rows_by='customer_key') }}
with customers as (

    select * from {{ ref('slv_customers') }}

),

geography as (

    select * from {{ ref('dim_geography') }}

),

states as (

    select * from {{ ref('us_states') }}

),

known as (

    select
        -- ids
        customers.customer_key,
        customers.online_customer_id,
        customers.store_customer_id,
        coalesce(geography.geography_key, '{{ var("unknown_member_key") }}') as geography_key,
        -- strings
        customers.first_name,
        customers.last_name,
        {{ hash_pii('customers.email') }} as email_sha256,
        {{ mask_email('customers.email') }} as email_masked,
        {{ mask_phone('customers.phone_e164') }} as phone_masked,
        customers.zip_code,
        customers.city_name,
        customers.state_code,
        states.state_name,
        customers.country_code,
        customers.match_rule,
        -- numbers
        cast(year(customers.birth_date) as integer) as birth_year,
        -- booleans
        customers.has_online_account,
        customers.has_store_account,
        false as is_unknown_member,
        -- dates
        customers.registration_date
    from customers
    left join geography
        on
            customers.zip_code = geography.zip_code
            and customers.country_code is not distinct from geography.country_code
    left join states
        on customers.country_code = 'US' and customers.state_code = states.state_code

),

unknown_member as (

    select
        '{{ var("unknown_member_key") }}' as customer_key,
        cast(null as varchar) as online_customer_id,
        cast(null as varchar) as store_customer_id,
        '{{ var("unknown_member_key") }}' as geography_key,
        'Unknown' as first_name,
        'customer' as last_name,
        cast(null as varchar) as email_sha256,
        cast(null as varchar) as email_masked,
        cast(null as varchar) as phone_masked,
        cast(null as varchar) as zip_code,
        cast(null as varchar) as city_name,
        cast(null as varchar) as state_code,
        cast(null as varchar) as state_name,
        cast(null as varchar) as country_code,
        'unknown_member' as match_rule,
        cast(null as integer) as birth_year,
        false as has_online_account,
        false as has_store_account,
        true as is_unknown_member,
        cast(null as date) as registration_date

),

final as (

    select * from known
    union all by name
    select * from unknown_member

)

select * from final
