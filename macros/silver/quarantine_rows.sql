{#- The quarantined rows of one checked entity in the common quarantine shape: where the
    row came from, its key as landed, why it was held back and the raw row as JSON. -#}
{% macro quarantine_rows(entity, checked_model) -%}
    select
        -- ids
        natural_key,
        -- strings
        _source_system as source_system,
        '{{ entity }}' as entity,
        quarantine_reasons as reason_codes,
        raw_row,
        _source_file as source_file,
        -- numbers
        _source_row_number as source_row_number,
        -- dates
        _load_date as load_date,
        first_seen_load_date,
        -- lineage
        _row_hash
    from (
        select
            *,
            min(_load_date) over (partition by _row_hash) as first_seen_load_date
        from {{ ref(checked_model) }}
    ) as checked_rows
    where outcome = 'quarantined'
{%- endmacro %}
