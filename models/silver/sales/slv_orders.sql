{#- One row per order of either channel. Orders whose customer is not known are kept
    against the unknown customer (var `unknown_member_key`): the sale happened. Rebuilt by
    merging only the orders whose row changed (`merge_changed_rows_by`, its contract in
    _sales__models.yml), comparing only the orders whose id, customer or lines its inputs'
    last writes changed (`merge_scope`); the facts that read it then compare only those. -#}
{{ config(merge_changed_rows_by='order_key', merge_scope={
    'slv_customers__matched': 'source_customer_id',
    'slv_mariadb_orders__checked': ['order_id', 'source_order_id'],
    'slv_pos_orders__checked': ['order_id', 'source_order_id'],
    'slv_order_lines': 'order_key',
}) }}
with matched as (

    select * from {{ ref('slv_customers__matched') }}

),

online as (

    select * from {{ ref('slv_mariadb_orders__checked') }}
    where outcome = 'silver'

),

store as (

    select * from {{ ref('slv_pos_orders__checked') }}
    where outcome = 'silver'

),

lines as (

    select
        order_key,
        count(*) as line_count,
        sum(line_amount) as order_amount
    from {{ ref('slv_order_lines') }}
    group by order_key

),

unioned as (

    select
        {{ generate_surrogate_key(["'mariadb'", 'online.order_id']) }} as order_key,
        'mariadb' as source_system,
        'online' as channel,
        online.order_id as source_order_id,
        online.customer_id as source_customer_id,
        online.is_customer_known,
        online.order_date,
        online.ordered_at,
        cast(null as date) as shipped_date,
        online.source_total_amount,
        online.dq_flags,
        online._load_date
    from online
    union all
    select
        {{ generate_surrogate_key(["'pos'", 'store.order_id']) }} as order_key,
        'pos' as source_system,
        'store' as channel,
        store.order_id as source_order_id,
        store.customer_id as source_customer_id,
        store.is_customer_known,
        store.order_date,
        store.ordered_at,
        store.shipped_date,
        cast(null as decimal(12, 2)) as source_total_amount,
        store.dq_flags,
        store._load_date
    from store

),

final as (

    select
        -- ids
        unioned.order_key,
        unioned.source_order_id,
        coalesce(matched.customer_key, '{{ var("unknown_member_key") }}') as customer_key,
        unioned.source_customer_id,
        -- strings
        unioned.source_system,
        unioned.channel,
        unioned.dq_flags,
        -- numbers
        coalesce(lines.line_count, 0) as line_count,
        coalesce(lines.order_amount, 0) as order_amount,
        unioned.source_total_amount,
        -- booleans
        matched.customer_key is not null as is_customer_known,
        -- dates
        unioned.order_date,
        unioned.shipped_date,
        unioned._load_date as load_date,
        -- timestamps
        unioned.ordered_at
    from unioned
    left join matched
        on
            unioned.source_system = matched.source_system
            and unioned.source_customer_id = matched.source_customer_id
    left join lines
        on unioned.order_key = lines.order_key

)

select * from final
