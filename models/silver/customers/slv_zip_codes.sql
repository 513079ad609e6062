with cities as (

    select * from {{ ref('slv_pos_cities__checked') }}

),

final as (

    select
        -- ids
        zip_code,
        -- strings
        city_name,
        state_code,
        country_code,
        -- dates
        _load_date as last_seen_load_date
    from cities
    where outcome = 'silver'

)

select * from final
