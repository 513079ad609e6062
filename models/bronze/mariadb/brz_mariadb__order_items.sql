-- depends_on: {{ ref('brz_landing__files') }}
{% do assert_landing_source('mariadb', 'Order_Items') %}

with source as (

    {{ landing_select('mariadb', 'Order_Items') }}

),

renamed as (

    select
        -- ids
        order_item_id,
        order_id,
        product_id,
        -- numbers
        quantity,
        price,
        -- data quality
        {{ mariadb_conversion_errors('Order_Items') }} as _conversion_errors,
        -- lineage
        extraction_id as _extraction_id,
        {{ lineage_columns(
            'mariadb', "cast(strptime(extraction_id, '%Y%m%dT%H%M%SZ') as date)",
            'file_row_number + 1', ['order_item_id', 'order_id', 'product_id', 'quantity', 'price']
        ) }}
    from source

)

select * from renamed
