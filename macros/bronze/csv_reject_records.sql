{% macro csv_reject_records(from_cte, load_date, header_lines=1) %}
{#- One query (its own `with` inside), which the rejects model names (`final as (...)`): one
    row per rejected line of `from_cte` (csv_rejected_lines' rows), lineage columns named
    as in bronze. A line with an unterminated quote stops the build: the reader cannot tell
    where the following records start, so it could swallow them into one reject.
    A record rejected only because its bytes are not UTF-8 is read again and decoded as
    Windows-1252 (aethermart_recover_record, registered by the plugin
    aethermart.dbt_plugins.record_count): it goes on to bronze with the flag
    `_is_decoded_windows_1252` and its original bytes as hex, and is no longer a reject. -#}
{%- if not from_cte -%}
    {{ exceptions.raise_compiler_error('csv_reject_records: from_cte must name the CTE or relation to read') }}
{%- endif %}
with recovered_lines as (

    select
        *,
        case
            when error_types = 'INVALID ENCODING'
                then aethermart_recover_record(
                    file_path, line_byte_position, quote_character, delimiter, column_count
                )::json
        end as recovered
    from {{ from_cte }}

)

select
    -- ids
    entity,
    -- strings
    error_types,
    error_message,
    coalesce(recovered ->> 'text', trim(csv_line, chr(10) || chr(13))) as raw_line,
    recovered ->> 'raw_hex' as raw_bytes_hex,
    -- lists
    cast(recovered -> 'fields' as varchar[]) as recovered_fields,
    -- booleans
    recovered is not null as is_recovered,
    -- numbers
    line - {{ header_lines }} - row_number() over (
        partition by file_path order by line
    ) as rows_parsed_before,
    -- lineage
    source_system as _source_system,
    file_path as _source_file,
    {{ load_date }} as _load_date,
    line - {{ header_lines }} as _source_row_number
from recovered_lines
where
    case
        when regexp_matches(error_types, '{{ _unreadable_rest_error_types() }}')
            then error(
                'File ' || file_path || ', record ' || (line - {{ header_lines }})
                || ': ' || error_types || ' (' || error_message || '). An unterminated '
                || 'quote or an over-long line leaves the rest of the file unreadable; '
                || 'fix or remove the file and run again.'
            )
        else true
    end
{% endmacro %}
