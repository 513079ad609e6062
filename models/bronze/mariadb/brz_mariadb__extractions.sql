with source as (

    select * from {{ source('mariadb_extractions', 'manifests') }}

),

renamed as (

    select
        -- ids
        extraction_id,
        -- strings
        "table" as table_name,
        "mode" as extraction_mode,
        server_version,
        -- numbers
        "rows" as row_count,
        -- timestamps
        started_at,
        finished_at,
        -- lineage
        'mariadb' as _source_system,
        filename as _source_file
    from source

)

select * from renamed
