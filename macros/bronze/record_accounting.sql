{#- Record accounting independent of DuckDB's CSV reader, for the sources read as text.

    DuckDB's reader can lose a record without rejecting it (a ~40 MB record vanishes,
    while a 3 MB one is rejected as LINE SIZE OVER MAXIMUM). So the rejects model's pre-hook
    (`collect_csv_rejects`) keeps, per file, the rows DuckDB parsed and the records counted
    by our own reader (`aethermart_count_records`, a Python function registered by the
    dbt-duckdb plugin `aethermart.dbt_plugins.record_count`) in a temporary table, and the rejects
    model stops the build when parsed rows + rejected records differ from that count. -#}
{% macro record_accounting(from_cte, source_name) %}
{#- One query (its own `with` inside), which the rejects model names
    (`unaccounted_records as (...)`): per file the parsed rows, the rejected records (the
    rows of `from_cte`, one per rejected line: csv_rejected_lines) and the counted records;
    it has no rows: it stops the build with DuckDB's `error()` for a file whose records do
    not add up. Files with a reject after which the reader cannot find the next records
    are left to `csv_reject_records`, which stops the build for them with the reader's own
    reason. -#}
{%- if not from_cte -%}
    {{ exceptions.raise_compiler_error('record_accounting: from_cte must name the CTE or relation to read') }}
{%- endif %}
with record_accounting as (

    select
        counts.entity,
        counts.file_path,
        counts.parsed_rows,
        count({{ from_cte }}.line) as rejected_records,
        counts.counted.records as counted_records,
        counts.counted.longest_record as longest_record,
        counts.counted.longest_record_bytes as longest_record_bytes,
        counts.max_line_size,
        coalesce(bool_or(
            regexp_matches({{ from_cte }}.error_types, '{{ _unreadable_rest_error_types() }}')
        ), false) as has_unreadable_rest
    from temp.main.{{ _record_counts_table(source_name) }} as counts
    left join {{ from_cte }}
        on counts.file_path = {{ from_cte }}.file_path
    group by all

)

select entity
from record_accounting
where
    case
        when not has_unreadable_rest and parsed_rows + rejected_records != counted_records
            then error(
                'File ' || file_path || ': ' || counted_records || ' records counted '
                || '(aethermart_count_records), but DuckDB''s CSV reader returned '
                || parsed_rows || ' rows and rejected ' || rejected_records
                || ' records. Suspect record ' || longest_record || ', the longest ('
                || longest_record_bytes || ' bytes with its line end; the reader''s '
                || 'max_line_size is ' || max_line_size || ' bytes): a record far '
                || 'over it can vanish without a reject. Fix or split it and run again.'
            )
        else false
    end
{% endmacro %}
