-- No way of setting rows aside crosses its error threshold (var `quality_thresholds`,
-- with at least `quality_error_min_set_aside` rows set aside). Fails with one line per crossing,
-- naming source system, entity, set_aside_kind, reason, count, rate and three example keys (DuckDB
-- `error()` in the filter, so dbt shows the text rather than a row count).
with set_aside as (

    select * from {{ ref('audit_set_aside') }}

),

crossings as (

    select string_agg(message, '; ' order by source_system, entity, set_aside_kind, reason) as messages
    from set_aside
    where threshold_level = 'error'

)

select messages as failure
from crossings
where messages is not null and error('Data quality above error thresholds: ' || messages) is null
