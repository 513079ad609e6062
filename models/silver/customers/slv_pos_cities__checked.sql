with cities as (

    select * from {{ ref('brz_pos__cities') }}

),

states as (

    select * from {{ ref('us_states') }}

),

typed as (

    select
        -- ids
        {{ postal_code('cities.zip', 'pos') }} as zip_code,
        cities.zip as natural_key,
        -- strings
        {{ clean_text('cities.city') }} as city_name,
        coalesce(states.state_code, {{ region_code('cities.state') }}) as state_code,
        '{{ source_country('pos') }}' as country_code,
        -- data quality
        {{ issue_list([
            (is_blank('cities.zip') ~ ' or ' ~ postal_code('cities.zip', 'pos') ~ ' is null', 'missing_key'),
        ]) }} as quarantine_reasons,
        {{ issue_list([
            ('not ' ~ is_blank('cities.state') ~ ' and states.state_code is null and '
             ~ "'" ~ source_country('pos') ~ "' = 'US'", 'unknown_state_code'),
            ('cities._is_decoded_windows_1252', 'decoded_windows_1252'),
        ]) }} as dq_flags,
        to_json(struct_pack(cities.zip, cities.city, cities.state)) as _raw_row,
        true as _is_candidate,
        -- lineage
        cities._source_system,
        cities._source_file,
        cities._load_date,
        cities._source_row_number,
        cities._row_hash
    from cities
    left join states
        on
            '{{ source_country('pos') }}' = 'US'
            and (
                states.state_code = {{ region_code('cities.state') }}
                or upper(states.state_name) = {{ region_code('cities.state') }}
            )

),

-- every typed row with its outcome (silver, duplicate, superseded, quarantined)
decided as (

    {{ resolve_versions(
        from_cte='typed',
        key_columns=['zip_code'],
        content_columns=['zip_code', 'lower(city_name)', 'state_code'],
        version_order='_load_date desc',
        group_by='_load_date',
    ) }}

)

select * from decided
