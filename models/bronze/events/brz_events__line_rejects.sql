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
) }}

select * from final
