{#- POS customers of every drop, typed, with their outcome. Every drop sends every customer
    again; a drop landed after every other is checked alone and appended, and supersedes the
    silver row of each customer it brings a silver row for (rebuild_by_landed_file with
    appended_drops: each row is typed from itself, resolve_versions orders a key's versions
    by drop). Files changed, removed or landed out of order rebuild the customers they touch. -#}
{{ config(rebuild_by_landed_file={
    'input': 'brz_pos__customers',
    'key': 'customer_id',
    'input_key': clean_text('customer_id'),
    'appended_drops': true,
}) }}
with customers as (

    {#- all, or the customers of the files landed, or of the keys to rebuild -#}
    select * from {{ ref('brz_pos__customers') }}
    where {{ in_rebuilt_keys(clean_text('customer_id')) }} and {{ in_appended_drops() }}

),

parsed as (

    select
        *,
        {{ parse_date('birth_date') }} as _birth_date
    from customers

),

typed as (

    select
        -- ids
        {{ clean_text('customer_id') }} as customer_id,
        customer_id as natural_key,
        -- strings
        {{ clean_text('first_name') }} as first_name,
        {{ clean_text('last_name') }} as last_name,
        case when not {{ is_placeholder_email('email') }} then {{ clean_email('email') }} end as email,
        {{ clean_text('address_line_1') }} as address_line_1,
        {{ clean_text('address_line_2') }} as address_line_2,
        {{ phone_e164('phone') }} as phone_e164,
        {{ postal_code('zip', 'pos') }} as zip_code,
        {{ zip_plus4('zip') }} as zip_plus4,
        -- dates
        case when {{ is_plausible_date('_birth_date', 'birth') }} then _birth_date end as birth_date,
        -- data quality
        {{ issue_list([
            (is_blank('customer_id'), 'missing_key'),
        ]) }} as quarantine_reasons,
        {{ issue_list([
            ('not ' ~ is_blank('email') ~ ' and ' ~ is_placeholder_email('email'), 'placeholder_email'),
            ('not ' ~ is_blank('email') ~ ' and not ' ~ is_placeholder_email('email')
             ~ ' and not ' ~ is_valid_email('email'), 'invalid_email'),
            ('not ' ~ is_blank('phone') ~ ' and ' ~ phone_e164('phone') ~ ' is null', 'invalid_phone'),
            ('not ' ~ is_blank('birth_date') ~ ' and _birth_date is null', 'invalid_date'),
            ('not ' ~ is_plausible_date('_birth_date', 'birth'), 'implausible_date'),
            ('not ' ~ is_blank('zip') ~ ' and ' ~ postal_code('zip', 'pos') ~ ' is null', 'invalid_zip'),
            ('_is_decoded_windows_1252', 'decoded_windows_1252'),
        ]) }} as dq_flags,
        to_json(struct_pack(
            customer_id, first_name, last_name, email, address_line_1, address_line_2, phone,
            birth_date, zip
        )) as _raw_row,
        true as _is_candidate,
        -- lineage
        _source_system,
        _source_file,
        _load_date,
        _source_row_number,
        _row_hash
    from parsed

),

-- every typed row with its outcome (silver, duplicate, superseded, quarantined)
decided as (

    {{ resolve_versions(
        from_cte='typed',
        key_columns=['customer_id'],
        content_columns=[
            'customer_id', 'lower(first_name)', 'lower(last_name)', 'email', 'address_line_1',
            'address_line_2', 'phone_e164', 'zip_code', 'birth_date',
        ],
        version_order='_load_date desc',
        group_by='_load_date',
    ) }}

)

select * from decided
