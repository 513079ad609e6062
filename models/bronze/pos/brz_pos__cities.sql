-- depends_on: {{ ref('brz_landing__files') }}
{% do assert_landing_source('pos', 'city') %}

with source as (

    {{ landing_select('pos', 'city', ordinality=true) }}

),

-- each landed record with its record number in its file (rejected records counted too)
located as (

    {{ record_numbering(from_cte='source', source_name='pos', entity='city') }}

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
            'pos', 'cast(load_date as date)', 'record_number', ['zip', 'city', 'state'], decoded=true
        ) }}
    from located

)

select * from renamed
{{ read_every_column_guard() }}
