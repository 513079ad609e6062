-- depends_on: {{ ref('brz_landing__files') }}
{% do assert_landing_source('pos', 'orderline') %}

with source as (

    {{ landing_select('pos', 'orderline', ordinality=true) }}

),

{{ record_numbering('pos', 'orderline') }}

renamed as (

    select
        -- ids
        order_id,
        product_id,
        -- strings
        quantity,
        unit_price,
        line_number,
        -- lineage
        {{ lineage_columns(
            'pos', 'cast(load_date as date)', 'record_number',
            ['order_id', 'product_id', 'quantity', 'unit_price', 'line_number'], decoded=true
        ) }}
    from located

)

select * from renamed
{{ read_every_column_guard() }}
