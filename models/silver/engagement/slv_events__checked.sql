with events as (

    select
        *,
        case when json_valid(raw_event) then raw_event::json end as event_json,
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
        {{ clean_text("events.event_json ->> 'product_id'") }} as product_id,
        -- strings
        lower({{ clean_text('events.event_type') }}) as event_type,
        events.page_url,
        events.page_title,
        events.device::json as device,
        json_merge_patch(
            events.event_json,
            '{"event_id": null, "customer_id": null, "session_id": null, "event_type": null,
              "occurred_at": null, "page": null, "device": null, "product_id": null}'
        ) as properties,
        -- booleans
        event_types.event_type is not null as is_known_event_type,
        -- timestamps
        events._occurred_at as occurred_at,
        -- data quality
        {{ issue_list([
            ('events.event_json is null', 'malformed_json'),
            ('events.event_json is not null and ' ~ json_has_duplicate_key('events.event_json'),
             'duplicate_key'),
            ('events.event_json is not null and ' ~ is_blank('events.event_id'), 'missing_key'),
            ('events.event_json is not null and events._occurred_at is null', 'invalid_timestamp'),
            ('events.event_json is not null and not ' ~ is_plausible_date('events._occurred_at'),
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

checked as (

    select * from typed

),

{{ resolve_versions(
    key_columns=['event_id'],
    content_columns=['_row_hash'],
    version_order='_load_date',
) }}

select * from decided
