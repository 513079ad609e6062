-- depends_on: {{ ref('brz_landing__files') }}
{% do assert_landing_source('mariadb', 'Orders') %}

with source as (

    {{ landing_select('mariadb', 'Orders') }}

),

renamed as (

    select
        -- ids
        order_id,
        customer_id,
        -- numbers
        total_amount,
        -- dates
        order_date,
        -- data quality
        {{ mariadb_conversion_errors('Orders') }} as _conversion_errors,
        -- lineage
        extraction_id as _extraction_id,
        {{ lineage_columns(
            'mariadb', "cast(strptime(extraction_id, '%Y%m%dT%H%M%SZ') as date)",
            'file_row_number + 1', ['order_id', 'customer_id', 'order_date', 'total_amount']
        ) }}
    from source

)

select * from renamed
