-- depends_on: {{ ref('brz_landing__files') }}
{% do assert_landing_source('mariadb', 'Customers') %}

with source as (

    {{ landing_select('mariadb', 'Customers') }}

),

renamed as (

    select
        -- ids
        customer_id,
        -- strings
        first_name,
        last_name,
        email,
        city,
        state,
        zipcode,
        -- dates
        registration_date,
        -- data quality
        {{ mariadb_conversion_errors('Customers') }} as _conversion_errors,
        -- lineage
        extraction_id as _extraction_id,
        {{ lineage_columns(
            'mariadb', "cast(strptime(extraction_id, '%Y%m%dT%H%M%SZ') as date)",
            'file_row_number + 1', ['customer_id', 'first_name', 'last_name', 'email', 'registration_date', 'city', 'state', 'zipcode']
        ) }}
    from source

)

select * from renamed
