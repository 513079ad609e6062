-- depends_on: {{ ref('brz_landing__files') }}
{% do assert_landing_source('events', 'events') %}

with source as (

    {{ landing_select('events', 'events', ordinality=true) }}

),

{{ record_numbering('events', 'events') }}

parsed as (

    select
        *,
        case when json_valid(raw_line) then raw_line::json end as event_json
    from located

),

renamed as (

    select
        -- ids
        event_json ->> 'event_id' as event_id,
        event_json ->> 'customer_id' as customer_id,
        event_json ->> 'session_id' as session_id,
        -- strings
        event_json ->> 'event_type' as event_type,
        event_json ->> 'occurred_at' as occurred_at,
        event_json ->> '$.page.url' as page_url,
        event_json ->> '$.page.title' as page_title,
        (event_json -> 'device')::varchar as device,
        raw_line as raw_event,
        -- lineage
        {{ lineage_columns(
            'events', 'cast("date" as date)', 'record_number', ['raw_line'], decoded=true
        ) }}
    from parsed

)

select * from renamed
{{ read_every_column_guard() }}
