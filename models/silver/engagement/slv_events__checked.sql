with events as (

    select
        *,
        -- ISO 8601 (the clickstream's format) fast, any other rendering parse_timestamp reads
        coalesce(try_cast(occurred_at as timestamptz), {{ parse_timestamp('occurred_at') }}) as _occurred_at
    from {{ ref('brz_events__events') }}

),

event_types as (

    select * from {{ ref('event_types') }}

),

typed as (

    select
        -- ids
        {{ clean_text('events.event_id') }} as event_id,
        events.event_id as natural_key,
        {{ clean_text('events.customer_id') }} as customer_id,
        {{ clean_text('events.session_id') }} as session_id,
        {{ clean_text('events.product_id') }} as product_id,
        -- strings
        lower({{ clean_text('events.event_type') }}) as event_type,
        events.page_url,
        events.page_title,
        events.device::json as device,
        events.properties,
        -- booleans
        event_types.event_type is not null as is_known_event_type,
        -- timestamps
        events._occurred_at as occurred_at,
        -- data quality
        {{ issue_list([
            ('not events.is_valid_json', 'malformed_json'),
            ('events.is_valid_json and events.has_duplicate_key', 'duplicate_key'),
            ('events.is_valid_json and ' ~ is_blank('events.event_id'), 'missing_key'),
            ('events.is_valid_json and events._occurred_at is null', 'invalid_timestamp'),
            ('events.is_valid_json and not ' ~ is_plausible_date('events._occurred_at'),
             'implausible_date'),
        ]) }} as quarantine_reasons,
        {{ issue_list([
            ('event_types.event_type is null and not ' ~ is_blank('events.event_type'),
             'unknown_event_type'),
            ('events._is_decoded_windows_1252', 'decoded_windows_1252'),
        ]) }} as dq_flags,
        to_json(struct_pack(events.raw_event)) as _raw_row,
        true as _is_candidate,
        -- lineage
        events._source_system,
        events._source_file,
        events._load_date,
        events._source_row_number,
        events._row_hash
    from events
    left join event_types
        on lower({{ clean_text('events.event_type') }}) = event_types.event_type

),

-- every typed row with its outcome (silver, duplicate, superseded, quarantined)
decided as (

    {{ resolve_versions(
        from_cte='typed',
        key_columns=['event_id'],
        content_columns=['_row_hash'],
        version_order='_load_date',
    ) }}

)

select * from decided
