-- depends_on: {{ ref('brz_landing__files') }}
{% do assert_landing_source('pos', 'order') %}

with source as (

    {{ landing_select('pos', 'order', ordinality=true) }}

),

-- each landed record with its record number in its file (rejected records counted too)
located as (

    {{ record_numbering(from_cte='source', source_name='pos', entity='order') }}

),

renamed as (

    select
        -- ids
        id as order_id,
        customer_id,
        -- strings
        dateplaced as date_placed,
        dateshipped as date_shipped,
        -- lineage
        {{ lineage_columns(
            'pos', 'cast(load_date as date)', 'record_number',
            ['id', 'dateplaced', 'dateshipped', 'customer_id'], decoded=true
        ) }}
    from located

)

select * from renamed
{{ read_every_column_guard() }}
