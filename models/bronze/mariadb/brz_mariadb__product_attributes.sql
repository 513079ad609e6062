-- depends_on: {{ ref('brz_landing__files') }}
{% set has_files = assert_landing_source('mariadb', 'Product_Attributes') %}

with source as (

    {% if has_files %}
        {{ landing_select('mariadb', 'Product_Attributes') }}
    {% else %}
        -- optional table not extracted: an empty relation with the landed types
        select
            cast(null as integer) as product_id,
            cast(null as varchar) as attribute_name,
            cast(null as varchar) as attribute_value,
            cast(null as varchar) as extraction_id,
            cast(null as varchar) as filename,
            cast(null as bigint) as file_row_number
        where false
    {% endif %}

),

renamed as (

    select
        -- ids
        product_id,
        -- strings
        attribute_name,
        attribute_value,
        -- data quality
        {{ mariadb_conversion_errors('Product_Attributes', has_files) }} as _conversion_errors,
        -- lineage
        extraction_id as _extraction_id,
        {{ lineage_columns(
            'mariadb', "cast(strptime(extraction_id, '%Y%m%dT%H%M%SZ') as date)",
            'file_row_number + 1', ['product_id', 'attribute_name', 'attribute_value']
        ) }}
    from source

)

select * from renamed
