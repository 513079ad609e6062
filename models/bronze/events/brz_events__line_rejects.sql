{{
    config(
        materialized='table',
        pre_hook="{{ collect_csv_rejects('events') }}"
    )
}}

with rejected_errors as (

    {{ csv_rejects_query('events') }}

),

{{ csv_rejected_lines(
    'rejected_errors',
    "cast(regexp_extract(file_path, 'date=([0-9-]+)', 1) as date)",
    header_lines=0
) }},

{{ record_accounting('events') }}

select * from final
union all by name
-- no rows: stops the build when a file's records do not add up
select * from unaccounted_records
