{{ config(rebuild_by_extraction={
    'table': 'Suppliers',
    'input': 'brz_mariadb__suppliers',
    'key': 'supplier_id',
}) }}
with suppliers as (

    select * from {{ ref('brz_mariadb__suppliers') }}

),

typed as (

    select
        -- ids
        cast(supplier_id as {{ dbt.type_string() }}) as supplier_id,
        cast(supplier_id as {{ dbt.type_string() }}) as natural_key,
        -- strings
        {{ clean_text('supplier_name') }} as supplier_name,
        {{ clean_email('contact_email') }} as contact_email,
        -- data quality
        {{ issue_list([
            ('supplier_id is null', 'missing_key'),
            ('len(_conversion_errors) > 0', 'unconvertible_value'),
        ]) }} as quarantine_reasons,
        {{ issue_list([
            ('not ' ~ is_blank('contact_email') ~ ' and not ' ~ is_valid_email('contact_email'),
             'invalid_email'),
        ]) }} as dq_flags,
        {% call with_unconvertible_values('_conversion_errors') %}
            to_json(struct_pack(supplier_id, supplier_name, contact_email))
        {% endcall %} as _raw_row,
        {{ current_extraction('Suppliers') }} as _is_candidate,
        -- lineage
        _extraction_id,
        _source_system,
        _source_file,
        _load_date,
        _source_row_number,
        _row_hash
    from suppliers

),

-- every typed row with its outcome (silver, duplicate, superseded, quarantined)
decided as (

    {{ resolve_versions(
        from_cte='typed',
        key_columns=['supplier_id'],
        content_columns=['supplier_id', 'supplier_name', 'contact_email'],
        group_by='_extraction_id',
        latest_read_only=true,
    ) }}

)

-- resolve_versions ends in a union, which sqlfluff cannot follow (see the macro)
select * from decided  -- noqa: AM04
