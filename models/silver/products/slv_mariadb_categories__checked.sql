{{ config(rebuild_by_extraction={
    'table': 'Categories',
    'input': 'brz_mariadb__categories',
    'key': 'category_id',
}) }}
with categories as (

    select * from {{ ref('brz_mariadb__categories') }}

),

typed as (

    select
        -- ids
        cast(category_id as {{ dbt.type_string() }}) as category_id,
        cast(category_id as {{ dbt.type_string() }}) as natural_key,
        -- strings
        {{ clean_text('category_name') }} as category_name,
        -- data quality
        {{ issue_list([
            ('category_id is null', 'missing_key'),
            ('len(_conversion_errors) > 0', 'unconvertible_value'),
        ]) }} as quarantine_reasons,
        {{ issue_list([]) }} as dq_flags,
        {% call with_unconvertible_values('_conversion_errors') %}
            to_json(struct_pack(category_id, category_name))
        {% endcall %} as _raw_row,
        {{ current_extraction('Categories') }} as _is_candidate,
        -- lineage
        _extraction_id,
        _source_system,
        _source_file,
        _load_date,
        _source_row_number,
        _row_hash
    from categories

),

-- every typed row with its outcome (silver, duplicate, superseded, quarantined)
decided as (

    {{ resolve_versions(
        from_cte='typed',
        key_columns=['category_id'],
        content_columns=['category_id', 'category_name'],
        group_by='_extraction_id',
        latest_read_only=true,
    ) }}

)

-- resolve_versions ends in a union, which sqlfluff cannot follow (see the macro)
select * from decided  -- noqa: AM04
