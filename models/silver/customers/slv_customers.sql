{#- One row per unified customer. Attributes come from the online account when the
    customer has one, the store record fills what the account lacks (street address,
    phone, birth date) and stands alone for store-only customers. -#}
with matched as (

    select * from {{ ref('slv_customers__matched') }}

),

online as (

    select
        matched.customer_key,
        customers.*
    from {{ ref('slv_mariadb_customers__checked') }} as customers
    inner join matched
        on matched.source_system = 'mariadb' and customers.customer_id = matched.source_customer_id
    where customers.outcome = 'silver'
    qualify row_number() over (partition by matched.customer_key order by customers.customer_id) = 1

),

store as (

    select
        matched.customer_key,
        customers.*,
        zip_codes.city_name,
        zip_codes.state_code,
        zip_codes.country_code
    from {{ ref('slv_pos_customers__checked') }} as customers
    inner join matched
        on matched.source_system = 'pos' and customers.customer_id = matched.source_customer_id
    left join {{ ref('slv_zip_codes') }} as zip_codes
        on customers.zip_code = zip_codes.zip_code
    where customers.outcome = 'silver'
    qualify row_number() over (partition by matched.customer_key order by customers.customer_id) = 1

),

members as (

    select
        customer_key,
        list(source_system || ':' || source_customer_id order by source_system, source_customer_id)
            as source_customer_ids,
        bool_or(source_system = 'mariadb') as has_online_account,
        bool_or(source_system = 'pos') as has_store_account,
        max(match_rule) as match_rule
    from matched
    group by customer_key

),

final as (

    select
        -- ids
        members.customer_key,
        online.customer_id as online_customer_id,
        store.customer_id as store_customer_id,
        members.source_customer_ids,
        -- strings
        coalesce(online.first_name, store.first_name) as first_name,
        coalesce(online.last_name, store.last_name) as last_name,
        coalesce(online.email, store.email) as email,
        store.phone_e164,
        store.address_line_1,
        store.address_line_2,
        coalesce(online.zip_code, store.zip_code) as zip_code,
        case when online.zip_code is null then store.zip_plus4 end as zip_plus4,
        coalesce(online.city_name, store.city_name) as city_name,
        coalesce(online.state_code, store.state_code) as state_code,
        coalesce(online.country_code, store.country_code) as country_code,
        members.match_rule,
        -- booleans
        members.has_online_account,
        members.has_store_account,
        -- dates
        store.birth_date,
        online.registration_date,
        store._load_date as store_record_load_date
    from members
    left join online
        on members.customer_key = online.customer_key
    left join store
        on members.customer_key = store.customer_key

)

select * from final
