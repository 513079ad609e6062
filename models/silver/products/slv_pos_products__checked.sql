with products as (

    select * from {{ ref('brz_pos__products') }}

),

typed as (

    select
        -- ids
        {{ clean_text('product_id') }} as product_id,
        product_id as natural_key,
        -- strings
        {{ clean_text('product_name') }} as product_name,
        -- numbers
        {{ parse_money('current_price') }} as current_price,
        {{ parse_integer('available_quantity') }} as available_quantity,
        -- data quality
        {{ issue_list([
            (is_blank('product_id'), 'missing_key'),
            (is_blank('current_price'), 'missing_price'),
            ('not ' ~ is_blank('current_price') ~ ' and ' ~ parse_money('current_price') ~ ' is null',
             'invalid_number'),
            (parse_money('current_price') ~ ' < 0', 'negative_price'),
        ]) }} as quarantine_reasons,
        {{ issue_list([
            ('not ' ~ is_blank('available_quantity') ~ ' and '
             ~ parse_integer('available_quantity') ~ ' is null', 'invalid_number'),
            ('_is_decoded_windows_1252', 'decoded_windows_1252'),
        ]) }} as dq_flags,
        to_json(struct_pack(product_id, product_name, current_price, available_quantity)) as _raw_row,
        true as _is_candidate,
        -- lineage
        _source_system,
        _source_file,
        _load_date,
        _source_row_number,
        _row_hash
    from products

),

-- every typed row with its outcome (silver, duplicate, superseded, quarantined)
decided as (

    {{ resolve_versions(
        from_cte='typed',
        key_columns=['product_id'],
        content_columns=['product_id', 'lower(product_name)', 'current_price', 'available_quantity'],
        version_order='_load_date desc',
        group_by='_load_date',
    ) }}

)

select * from decided
