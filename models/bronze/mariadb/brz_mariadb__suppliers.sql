-- depends_on: {{ ref('brz_landing__files') }}
{% do assert_landing_source('mariadb', 'Suppliers') %}

with source as (

    {{ landing_select('mariadb', 'Suppliers') }}

),

renamed as (

    select
        -- ids
        supplier_id,
        -- strings
        supplier_name,
        contact_email,
        -- data quality
        {{ mariadb_conversion_errors('Suppliers') }} as _conversion_errors,
        -- lineage
        extraction_id as _extraction_id,
        {{ lineage_columns(
            'mariadb', "cast(strptime(extraction_id, '%Y%m%dT%H%M%SZ') as date)",
            'file_row_number + 1', ['supplier_id', 'supplier_name', 'contact_email']
        ) }}
    from source

)

select * from renamed
