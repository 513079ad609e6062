-- depends_on: {{ ref('brz_landing__files') }}
{% do assert_landing_source('mariadb', 'Products') %}

with source as (

    {{ landing_select('mariadb', 'Products') }}

),

renamed as (

    select
        -- ids
        product_id,
        category_id,
        supplier_id,
        -- strings
        product_name,
        -- numbers
        price,
        -- data quality
        {{ mariadb_conversion_errors('Products') }} as _conversion_errors,
        -- lineage
        extraction_id as _extraction_id,
        {{ lineage_columns(
            'mariadb', "cast(strptime(extraction_id, '%Y%m%dT%H%M%SZ') as date)",
            'file_row_number + 1', ['product_id', 'product_name', 'price', 'category_id', 'supplier_id']
        ) }}
    from source

)

select * from renamed
