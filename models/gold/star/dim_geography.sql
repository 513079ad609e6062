{#- One row per zip code seen in the POS city lookup or on a customer, with its city and
    state; plus the unknown member for customers without a usable zip. The POS lookup
    (latest drop) wins; a zip only customers carry takes its most frequent city/state. -#}
with zip_codes as (

    select * from {{ ref('slv_zip_codes') }}

),

customers as (

    select * from {{ ref('slv_customers') }}

),

states as (

    select * from {{ ref('us_states') }}

),

customer_zips as (

    select
        zip_code,
        city_name,
        state_code,
        country_code
    from customers
    where zip_code is not null
    group by zip_code, city_name, state_code, country_code
    qualify row_number() over (
        partition by country_code, zip_code order by count(*) desc, city_name asc, state_code asc
    ) = 1

),

zips as (

    select
        zip_code,
        city_name,
        state_code,
        country_code,
        'pos_city_lookup' as geography_source
    from zip_codes
    union all
    select
        customer_zips.zip_code,
        customer_zips.city_name,
        customer_zips.state_code,
        customer_zips.country_code,
        'customer_address' as geography_source
    from customer_zips
    where not exists (
        select 1
        from zip_codes
        where
            zip_codes.zip_code = customer_zips.zip_code
            and zip_codes.country_code is not distinct from customer_zips.country_code
    )

),

unknown_member as (

    select
        '{{ var("unknown_member_key") }}' as zip_code,
        cast(null as varchar) as city_name,
        cast(null as varchar) as state_code,
        cast(null as varchar) as country_code,
        'unknown_member' as geography_source

),

zips_and_unknown as (

    select * from zips
    union all
    select * from unknown_member

),

final as (

    select
        -- ids
        case
            when zips.country_code is null or zips.country_code = 'US' then zips.zip_code
            else zips.country_code || '-' || zips.zip_code
        end as geography_key,
        zips.zip_code,
        -- strings
        zips.city_name,
        zips.state_code,
        zips.country_code,
        states.state_name,
        states.kind as state_kind,
        zips.geography_source,
        -- booleans
        coalesce(states.is_state, false) as is_state
    from zips_and_unknown as zips
    left join states
        on zips.country_code = 'US' and zips.state_code = states.state_code

)

select * from final
