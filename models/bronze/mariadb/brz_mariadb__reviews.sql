-- depends_on: {{ ref('brz_landing__files') }}
{% do assert_landing_source('mariadb', 'Reviews') %}

with source as (

    {{ landing_select('mariadb', 'Reviews') }}

),

renamed as (

    select
        -- ids
        review_id,
        product_id,
        customer_id,
        -- strings
        review_text,
        -- numbers
        rating,
        -- dates
        review_date,
        -- data quality
        {{ mariadb_conversion_errors('Reviews') }} as _conversion_errors,
        -- lineage
        extraction_id as _extraction_id,
        {{ lineage_columns(
            'mariadb', "cast(strptime(extraction_id, '%Y%m%dT%H%M%SZ') as date)",
            'file_row_number + 1', ['review_id', 'product_id', 'customer_id', 'rating', 'review_text', 'review_date']
        ) }}
    from source

)

select * from renamed
