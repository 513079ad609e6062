{#- Identity resolution. Every usable customer record of both channels gets a
    customer_key: records that share a normalized email (trimmed, lower case, valid
    shape, not a placeholder) are one customer; a record without a usable email is a
    customer of its own. There is no fallback on names or phones: different people share
    names (and households share phones), and a wrong merge is worse than a missed one.
    The key is the hash of the cluster's anchor record: the online account if there is
    one, else the lowest store id. -#}
with online as (

    select
        customer_id,
        email
    from {{ ref('slv_mariadb_customers__checked') }}
    where outcome = 'silver'

),

store as (

    select
        customer_id,
        email
    from {{ ref('slv_pos_customers__checked') }}
    where outcome = 'silver'

),

records as (

    select
        'mariadb' as source_system,
        1 as source_priority,
        customer_id,
        email
    from online
    union all
    select
        'pos' as source_system,
        2 as source_priority,
        customer_id,
        email
    from store

),

anchored as (

    select
        *,
        case
            when email is null then source_system || ':' || customer_id
            else first_value(source_system || ':' || customer_id) over (
                partition by email order by source_priority, customer_id
            )
        end as anchor_record,
        case
            when email is null then 0
            else count(*) over (partition by email)
        end as records_sharing_email
    from records

),

final as (

    select
        -- ids
        {{ generate_surrogate_key(['anchor_record']) }} as customer_key,
        source_system,
        customer_id as source_customer_id,
        -- strings
        anchor_record,
        case
            when records_sharing_email > 1 then 'same_normalized_email'
            when email is not null then 'unique_email'
            else 'no_usable_email'
        end as match_rule,
        -- numbers
        greatest(records_sharing_email, 1) as records_in_customer
    from anchored

)

select * from final
