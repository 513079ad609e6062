-- depends_on: {{ ref('brz_landing__files') }}
{% do assert_landing_source('mariadb', 'Categories') %}

with source as (

    {{ landing_select('mariadb', 'Categories') }}

),

renamed as (

    select
        -- ids
        category_id,
        -- strings
        category_name,
        -- data quality
        {{ mariadb_conversion_errors('Categories') }} as _conversion_errors,
        -- lineage
        extraction_id as _extraction_id,
        {{ lineage_columns(
            'mariadb', "cast(strptime(extraction_id, '%Y%m%dT%H%M%SZ') as date)",
            'file_row_number + 1', ['category_id', 'category_name']
        ) }}
    from source

)

select * from renamed
