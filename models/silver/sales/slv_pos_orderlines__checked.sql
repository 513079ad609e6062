with orderlines as (

    select * from {{ ref('brz_pos__orderlines') }}

),

order_status as (

    {{ usable_keys('slv_pos_orders__checked', 'order_id') }}

),

product_status as (

    {{ usable_keys('slv_pos_products__checked', 'product_id') }}

),

typed as (

    select
        -- ids
        {{ clean_text('orderlines.order_id') }} as order_id,
        {{ clean_text('orderlines.product_id') }} as product_id,
        orderlines.order_id || '|' || orderlines.product_id as natural_key,
        -- numbers
        {{ parse_integer('orderlines.quantity') }} as quantity,
        -- booleans
        coalesce({{ parse_integer('orderlines.quantity') }} < 0, false) as is_return,
        -- data quality
        {{ issue_list([
            (is_blank('orderlines.order_id') ~ ' or ' ~ is_blank('orderlines.product_id'), 'missing_key'),
            (is_blank('orderlines.quantity'), 'missing_quantity'),
            ('not ' ~ is_blank('orderlines.quantity') ~ ' and '
             ~ parse_integer('orderlines.quantity') ~ ' is null', 'invalid_number'),
            (parse_integer('orderlines.quantity') ~ ' = 0', 'zero_quantity'),
            ('not ' ~ is_blank('orderlines.order_id') ~ ' and order_status.order_id is null', 'orphan_fk'),
            ('not order_status.is_usable', 'parent_quarantined'),
            ('not ' ~ is_blank('orderlines.product_id') ~ ' and product_status.product_id is null',
             'orphan_fk'),
            ('not product_status.is_usable', 'parent_quarantined'),
        ]) }} as quarantine_reasons,
        {{ issue_list([]) }} as dq_flags,
        to_json(struct_pack(orderlines.order_id, orderlines.product_id, orderlines.quantity)) as _raw_row,
        true as _is_candidate,
        -- lineage
        orderlines._source_system,
        orderlines._source_file,
        orderlines._load_date,
        orderlines._source_row_number,
        orderlines._row_hash
    from orderlines
    left join order_status
        on {{ clean_text('orderlines.order_id') }} = order_status.order_id
    left join product_status
        on {{ clean_text('orderlines.product_id') }} = product_status.product_id

),

checked as (

    select * from typed

),

{{ resolve_versions(
    key_columns=['order_id', 'product_id'],
    content_columns=['order_id', 'product_id', 'quantity'],
    version_order='_load_date',
) }}

select * from decided
