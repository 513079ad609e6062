-- Every landed row of every source entity reaches silver, the quarantine or a counted
-- de-duplication. Fails with one line per entity that does not add up, naming the counts
-- (DuckDB `error()` in the filter, so dbt shows the text rather than a row count).
with reconciliation as (

    select * from {{ ref('audit_reconciliation') }}

),

unbalanced as (

    select
        string_agg(
            source_system || '.' || entity || ': ' || landed_rows || ' landed rows <> '
            || silver_rows || ' silver + ' || quarantined_rows || ' quarantined + '
            || deduplicated_rows || ' de-duplicated ('
            || (landed_rows - silver_rows - quarantined_rows - deduplicated_rows)
            || ' unaccounted for)',
            '; ' order by source_system, entity
        ) as messages
    from reconciliation
    where landed_rows <> silver_rows + quarantined_rows + deduplicated_rows

)

select messages as failure
from unbalanced
where messages is not null and error('Rows lost or double-counted between bronze and silver: ' || messages) is null
