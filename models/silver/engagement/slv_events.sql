{#- One row per clickstream event (first landed copy of each event id). Event types not
    in the `event_types` seed are kept with `is_known_event_type = false`. The event's
    customer id is the online shop's, resolved to the unified customer_key; anonymous
    events have none. It reads three columns of the matched customers (`input_columns`): a
    change to a customer's email or city that keeps the keys keeps this table. -#}
{{ config(input_columns={
    'slv_customers__matched': ['source_system', 'source_customer_id', 'customer_key'],
}) }}
with events as (

    select * from {{ ref('slv_events__checked') }}
    where outcome = 'silver'

),

matched as (

    select * from {{ ref('slv_customers__matched') }}
    where source_system = 'mariadb'

),

final as (

    select
        -- ids
        events.event_id,
        events.session_id,
        case
            when events.customer_id is null then null
            else coalesce(matched.customer_key, '{{ var("unknown_member_key") }}')
        end as customer_key,
        events.customer_id as source_customer_id,
        case
            when events.product_id is not null
                then {{ generate_surrogate_key(["'mariadb'", 'events.product_id']) }}
        end as product_key,
        -- strings
        events.event_type,
        events.page_url,
        events.page_title,
        events.device,
        events.properties,
        -- booleans
        events.is_known_event_type,
        -- timestamps
        events.occurred_at,
        -- dates
        events._load_date as event_date
    from events
    left join matched
        on events.customer_id = matched.source_customer_id

)

select * from final
