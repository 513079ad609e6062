with attributes as (

    select * from {{ ref('brz_mariadb__product_attributes') }}

),

product_status as (

    {{ usable_keys('slv_mariadb_products__checked', 'product_id') }}

),

typed as (

    select
        -- ids
        cast(attributes.product_id as {{ dbt.type_string() }}) as product_id,
        cast(attributes.product_id as {{ dbt.type_string() }}) || '|' || attributes.attribute_name
            as natural_key,
        -- strings
        lower({{ clean_text('attributes.attribute_name') }}) as attribute_name,
        {{ clean_text('attributes.attribute_value') }} as attribute_value,
        -- data quality
        {{ issue_list([
            ('attributes.product_id is null or ' ~ is_blank('attributes.attribute_name'), 'missing_key'),
            ('attributes.product_id is not null and product_status.product_id is null', 'orphan_fk'),
            ('not product_status.is_usable', 'parent_quarantined'),
            ('len(attributes._conversion_errors) > 0', 'unconvertible_value'),
        ]) }} as quarantine_reasons,
        {{ issue_list([]) }} as dq_flags,
        {% call with_unconvertible_values('attributes._conversion_errors') %}
            to_json(struct_pack(
                attributes.product_id, attributes.attribute_name, attributes.attribute_value
            ))
        {% endcall %} as _raw_row,
        {{ current_extraction('Product_Attributes', 'attributes._extraction_id') }} as _is_candidate,
        -- lineage
        attributes._extraction_id,
        attributes._source_system,
        attributes._source_file,
        attributes._load_date,
        attributes._source_row_number,
        attributes._row_hash
    from attributes
    left join product_status
        on cast(attributes.product_id as {{ dbt.type_string() }}) = product_status.product_id

),

-- every typed row with its outcome (silver, duplicate, superseded, quarantined)
decided as (

    {{ resolve_versions(
        from_cte='typed',
        key_columns=['product_id', 'attribute_name'],
        content_columns=['product_id', 'attribute_name', 'attribute_value'],
        group_by='_extraction_id',
        latest_read_only=true,
    ) }}

)

-- resolve_versions ends in a union, which sqlfluff cannot follow (see the macro)
select * from decided  -- noqa: AM04
