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

-- one row per rejected line
rejected_lines as (

    {{ csv_rejected_lines(from_cte='rejected_errors') }}

),

-- one row per rejected record, lineage columns as in bronze
final as (

    {{ csv_reject_records(
        from_cte='rejected_lines',
        load_date="cast(regexp_extract(file_path, '/load_date=([0-9-]+)/[^/]*$', 1) as date)",
    ) }}

),

-- no rows: stops the build when a file's parsed and rejected records differ from our count
unaccounted_records as (

    {{ record_accounting(from_cte='rejected_lines', source_name='pos') }}

)

-- `by name` lets unaccounted_records carry just one column
select * from final  -- noqa: AM07
union all by name
select * from unaccounted_records
