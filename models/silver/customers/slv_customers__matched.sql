{#- Identity resolution. Every usable customer record of both channels gets a
    customer_key: records that share a normalized email (trimmed, lower case, valid
    shape, not a placeholder) are one customer; a record without a usable email is a
    customer of its own. Guard: an email shared by more than
    var `identity_max_records_per_email` records that carry different names is a
    placeholder nobody listed (a store's own address typed at the till): it links no one,
    each record stays its own customer with match_rule `shared_email_not_merged`. There is no fallback on names or phones: different people share
    names (and households share phones), and a wrong merge is worse than a missed one.
    The key is the hash of the cluster's anchor record: the online account if there is
    one, else the lowest store id. Rebuilt by merging only the records whose row changed
    (`merge_changed_rows_by` its `source_record`, its contract in _customers__models.yml): the
    merge logs the changed records' `source_customer_id`, so `slv_orders` compares only those
    customers' orders after a change to a few customers. -#}
{{ config(merge_changed_rows_by='source_record') }}
with online as (

    select
        customer_id,
        email,
        first_name,
        last_name
    from {{ ref('slv_mariadb_customers__checked') }}
    where outcome = 'silver'

),

store as (

    select
        customer_id,
        email,
        first_name,
        last_name
    from {{ ref('slv_pos_customers__checked') }}
    where outcome = 'silver'

),

records as (

    select
        'mariadb' as source_system,
        1 as source_priority,
        customer_id,
        email,
        first_name,
        last_name
    from online
    union all
    select
        'pos' as source_system,
        2 as source_priority,
        customer_id,
        email,
        first_name,
        last_name
    from store

),

email_use as (

    select
        email,
        count(*) as records_sharing_email,
        count(distinct strip_accents(lower(concat_ws(' ', first_name, last_name)))) as distinct_names,
        count(*) > {{ var('identity_max_records_per_email') }}
        and count(distinct strip_accents(lower(concat_ws(' ', first_name, last_name)))) > 1 as is_refused
    from records
    where email is not null
    group by email

),

linkable as (

    select
        records.*,
        records.source_system || ':' || records.customer_id as source_record,
        coalesce(email_use.is_refused, false) as is_email_refused,
        case when not email_use.is_refused then records.email end as link_email,
        coalesce(email_use.records_sharing_email, 0) as records_sharing_email
    from records
    left join email_use
        on records.email = email_use.email

),

anchored as (

    select
        *,
        case
            when link_email is null then source_record
            else first_value(source_record) over (
                partition by link_email order by source_priority, customer_id
            )
        end as anchor_record
    from linkable

),

final as (

    select
        -- ids
        {{ generate_surrogate_key(['anchor_record']) }} as customer_key,
        source_system,
        customer_id as source_customer_id,
        source_record,
        -- strings
        anchor_record,
        case
            when is_email_refused then 'shared_email_not_merged'
            when records_sharing_email > 1 then 'same_normalized_email'
            when email is not null then 'unique_email'
            else 'no_usable_email'
        end as match_rule,
        case when is_email_refused then email end as refused_email,
        -- numbers
        case when is_email_refused then 1 else greatest(records_sharing_email, 1) end as records_in_customer,
        records_sharing_email
    from anchored

)

select * from final
