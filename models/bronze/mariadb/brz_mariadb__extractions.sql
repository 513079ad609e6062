-- depends_on: {{ ref('brz_landing__files') }}
{% do assert_landing_source('mariadb_extractions', 'manifests') %}

with source as (

    {{ landing_select('mariadb_extractions', 'manifests') }}

),

renamed as (

    select
        -- ids
        extraction_id,
        -- strings (manifest keys that are SQL keywords stay quoted)
        "table" as table_name,  -- noqa: RF06
        "mode" as extraction_mode,  -- noqa: RF06
        server_version,
        replaced_key,
        -- numbers
        "rows" as row_count,  -- noqa: RF06
        -- lists
        replaced_key_ranges,
        -- timestamps
        started_at,
        finished_at,
        -- lineage
        'mariadb' as _source_system,
        filename as _source_file
    from source

)

select * from renamed
