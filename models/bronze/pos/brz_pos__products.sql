-- depends_on: {{ ref('brz_landing__files') }}
{% do assert_landing_source('pos', 'product') %}

with source as (

    {{ landing_select('pos', 'product', ordinality=true) }}

),

-- each landed record with its record number in its file (rejected records counted too)
located as (

    {{ record_numbering(from_cte='source', source_name='pos', entity='product') }}

),

renamed as (

    select
        -- ids
        id as product_id,
        -- strings
        name as product_name,
        currentprice as current_price,
        availablequantity as available_quantity,
        -- lineage
        {{ lineage_columns(
            'pos', 'cast(load_date as date)', 'record_number',
            ['id', 'name', 'currentprice', 'availablequantity'], decoded=true
        ) }}
    from located

)

select * from renamed
{{ read_every_column_guard() }}
