-- depends_on: {{ ref('brz_landing__files') }}
-- depends_on: {{ ref('brz_pos__counted_files') }}
{{
    config(
        materialized='incremental',
        pre_hook="{{ collect_csv_rejects('pos') }}"
    )
}}
{{ csv_rejects_when_shown('pos') }}

with rejected_errors as (

    {{ csv_rejects_query('pos') }}

),

{{ csv_rejected_lines(
    'rejected_errors',
    "cast(regexp_extract(file_path, '/load_date=([0-9-]+)/[^/]*$', 1) as date)"
) }},

{{ record_accounting('pos') }}

-- unaccounted_records has no rows (it stops the build when a file's records do not add up);
-- `by name` lets it carry just one column
select * from final  -- noqa: AM07
union all by name
select * from unaccounted_records
