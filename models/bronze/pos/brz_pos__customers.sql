-- depends_on: {{ ref('brz_landing__files') }}
{% do assert_landing_source('pos', 'customer') %}

with source as (

    {{ landing_select('pos', 'customer', ordinality=true) }}

),

-- each landed record with its record number in its file (rejected records counted too)
located as (

    {{ record_numbering(from_cte='source', source_name='pos', entity='customer') }}

),

renamed as (

    select
        -- ids
        id as customer_id,
        -- strings
        firstname as first_name,
        lastname as last_name,
        email,
        address1 as address_line_1,
        address2 as address_line_2,
        phone,
        birthdate as birth_date,
        zip,
        -- lineage
        {{ lineage_columns(
            'pos', 'cast(load_date as date)', 'record_number',
            ['id', 'firstname', 'lastname', 'email', 'address1', 'address2', 'phone',
             'birthdate', 'zip'], decoded=true
        ) }}
    from located

)

select * from renamed
{{ read_every_column_guard() }}
