{#- POS orders of every drop, typed, with their outcome. When files land, change or go, only
    the orders they touch are rebuilt (rebuild_by_landed_file: an order's rows depend on its
    rows in every drop and on its customer's usability). -#}
{{ config(rebuild_by_landed_file={
    'input': 'brz_pos__orders',
    'key': 'order_id',
    'input_key': clean_text('order_id'),
    'parents': {'slv_pos_customers__checked': 'customer_id'},
}) }}
with orders as (

    {#- all, or the orders that landed files or customer changes touched -#}
    select * from {{ ref('brz_pos__orders') }}
    where {{ in_rebuilt_keys(clean_text('order_id')) }}

),

known_customers as (

    select customer_id from {{ ref('slv_pos_customers__checked') }}
    where outcome = 'silver'

),

parsed as (

    select
        orders.*,
        {{ parse_date('orders.date_placed') }} as _order_date,
        {{ parse_timestamp('orders.date_placed') }} as _ordered_at,
        {{ parse_date('orders.date_shipped') }} as _shipped_date
    from orders

),

typed as (

    select
        -- ids
        {{ clean_text('orders.order_id') }} as order_id,
        orders.order_id as natural_key,
        {{ clean_text('orders.customer_id') }} as customer_id,
        -- booleans
        known_customers.customer_id is not null as is_customer_known,
        -- dates
        orders._order_date as order_date,
        case when {{ is_plausible_date('orders._shipped_date') }} then orders._shipped_date end
            as shipped_date,
        -- timestamps
        orders._ordered_at as ordered_at,
        -- data quality
        {{ issue_list([
            (is_blank('orders.order_id'), 'missing_key'),
            (is_blank('orders.date_placed'), 'missing_date'),
            ('not ' ~ is_blank('orders.date_placed') ~ ' and orders._order_date is null', 'invalid_date'),
            ('not ' ~ is_plausible_date('orders._order_date'), 'implausible_date'),
        ]) }} as quarantine_reasons,
        {{ issue_list([
            ('not ' ~ is_blank('orders.customer_id') ~ ' and known_customers.customer_id is null',
             'orphan_fk'),
            ('not ' ~ is_blank('orders.date_shipped') ~ ' and orders._shipped_date is null', 'invalid_date'),
            ('not ' ~ is_plausible_date('orders._shipped_date'), 'implausible_date'),
            ('orders._is_decoded_windows_1252', 'decoded_windows_1252'),
        ]) }} as dq_flags,
        to_json(struct_pack(
            orders.order_id, orders.date_placed, orders.date_shipped, orders.customer_id
        )) as _raw_row,
        true as _is_candidate,
        -- lineage
        orders._source_system,
        orders._source_file,
        orders._load_date,
        orders._source_row_number,
        orders._row_hash
    from parsed as orders
    left join known_customers
        on {{ clean_text('orders.customer_id') }} = known_customers.customer_id

),

-- every typed row with its outcome (silver, duplicate, superseded, quarantined)
decided as (

    {{ resolve_versions(
        from_cte='typed',
        key_columns=['order_id'],
        content_columns=['order_id', 'customer_id', 'order_date', 'ordered_at', 'shipped_date'],
        version_order='_load_date',
    ) }}

)

select * from decided
