-- depends_on: {{ ref('brz_landing__files') }}
{% do assert_landing_source('pos', 'orderline') %}

with source as (

    {{ landing_select('pos', 'orderline', ordinality=true) }}

),

-- each landed record with its record number in its file (rejected records counted too)
located as (

    {{ record_numbering(from_cte='source', source_name='pos', entity='orderline') }}

),

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
