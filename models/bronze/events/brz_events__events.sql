-- depends_on: {{ ref('brz_landing__files') }}
{% do assert_landing_source('events', 'events') %}

with source as (

    {{ landing_select('events', 'events', ordinality=true) }}

),

-- each landed record with its record number in its file (rejected records counted too)
located as (

    {{ record_numbering(from_cte='source', source_name='events', entity='events') }}

),

parsed as (

    -- each line's JSON is parsed here, once, when its file lands: silver reads the columns
    -- (every JSON function parses its text again: one call reads all the text fields)
    select
        *,
        json_extract_string(event_json, [
            '$.event_id', '$.customer_id', '$.session_id', '$.product_id', '$.event_type',
            '$.occurred_at', '$.page.url', '$.page.title'
        ]) as text_fields,
        {{ json_key_signature('raw_line') }} as key_signature,
        -- lineage
        {{ lineage_columns(
            'events', 'cast("date" as date)', 'record_number', ['raw_line'], decoded=true
        ) }}
    from (
        select
            *,
            case when json_valid(raw_line) then raw_line::json end as event_json
        from located
    ) as with_json

),

candidates as (

    -- the JSON the exact duplicate-key check (json_tree) reads: only lines whose key
    -- signature repeats a key or is NULL; NULL elsewhere, so the check's subquery groups
    -- few values (a shared signatures table needs `parsed` twice: materialized, it spilled)
    select
        *,
        case
            when
                event_json is not null
                and (key_signature is null or len(key_signature) <> len(list_distinct(key_signature)))
                then event_json
        end as json_to_check
    from parsed

),

renamed as (

    select
        -- ids
        text_fields[1] as event_id,
        text_fields[2] as customer_id,
        text_fields[3] as session_id,
        text_fields[4] as product_id,
        -- strings
        text_fields[5] as event_type,
        text_fields[6] as occurred_at,
        text_fields[7] as page_url,
        text_fields[8] as page_title,
        (event_json -> 'device')::varchar as device,
        json_merge_patch(
            event_json,
            '{"event_id": null, "customer_id": null, "session_id": null, "event_type": null,
              "occurred_at": null, "page": null, "device": null, "product_id": null}'
        ) as properties,
        raw_line as raw_event,
        -- booleans
        event_json is not null as is_valid_json,
        case
            when event_json is not null then {{ json_has_duplicate_key('json_to_check') }}
        end as has_duplicate_key,
        -- lineage
        _source_system,
        _source_file,
        _load_date,
        _source_row_number,
        _row_hash,
        _is_decoded_windows_1252,
        _raw_bytes_hex
    from candidates

)

select * from renamed
{{ read_every_column_guard() }}
