{% do assert_landing_source('pos', 'city') %}

with source as (

    select * from {{ source('pos', 'city') }} with ordinality

),

renamed as (

    select
        -- ids
        zip,
        -- strings
        city,
        state,
        -- lineage
        {{ lineage_columns(
            'pos', 'cast(load_date as date)', file_row_number(), ['zip', 'city', 'state']
        ) }}
    from source

)

select * from renamed
{{ read_every_column_guard() }}
