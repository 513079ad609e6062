with cities as (

    select * from {{ ref('brz_pos__cities') }}

),

states as (

    select * from {{ ref('us_states') }}

),

typed as (

    select
        -- ids
        {{ zip5('cities.zip') }} as zip_code,
        cities.zip as natural_key,
        -- strings
        {{ clean_text('cities.city') }} as city_name,
        states.state_code,
        -- data quality
        {{ issue_list([
            (is_blank('cities.zip') ~ ' or ' ~ zip5('cities.zip') ~ ' is null', 'missing_key'),
        ]) }} as quarantine_reasons,
        {{ issue_list([
            ('not ' ~ is_blank('cities.state') ~ ' and states.state_code is null', 'invalid_state'),
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
        on upper({{ clean_text('cities.state') }}) = states.state_code

),

checked as (

    select * from typed

),

{{ resolve_versions(
    key_columns=['zip_code'],
    content_columns=['zip_code', 'lower(city_name)', 'state_code'],
    version_order='_load_date desc',
    group_by='_load_date',
) }}

select * from decided
