{#- SQL around an in-place write of some rows (a rebuild by key, by landed file or by
    extraction, a merge) - {'before': run before its delete, 'after': after its insert} - that
    counts what the write removed and added, as _model_fingerprint_content counts a table (the
    row count and the sum of the rows' hashes), into the temp table aethermart_content_delta,
    with the table's content before: `before`, text '<count>:<sum>[:...]' when the caller
    counted it, else as recorded in ops.model_fingerprints (which the write's plan found the
    table still holds). The rows removed: `removed`, SQL of one row (row_count, hash_sum) the
    caller had from its own scan, else the table's rows matching `predicate` (exactly the rows
    the write deletes). The rows added: those whose rowid is above the table's largest before
    the write (DuckDB appends an insert's rows after every row the table holds; read now, so a
    constant the scan can skip row groups by). _content_delta_counted then gives the content
    after without a scan of the whole table. -#}
{% macro _content_delta_sql(relation, predicate=none, removed=none, before=none) %}
    {% call statement('content_delta_last_rowid', fetch_result=True) -%}
        select coalesce(max(rowid), -1) from {{ relation }}
    {%- endcall %}
    {%- set last_rowid = load_result('content_delta_last_rowid').table.rows[0][0] | int -%}
    {%- set recorded = sql_string(before) if before is not none
        else "(select any_value(content_hash) from ops.model_fingerprints where relation = "
            ~ sql_string(_model_fingerprint_key(relation)) ~ ")" -%}
    {%- set counted = "select count(*) as row_count, coalesce(sum(hash(content_rows)), 0) as hash_sum from "
        ~ relation ~ " as content_rows where " -%}
    {{ return({
        'before': "create or replace temp table aethermart_content_delta as select " ~ recorded ~ " as before, "
            ~ "removed.row_count as removed_rows, cast(removed.hash_sum as hugeint) as removed_sum, "
            ~ "cast(0 as bigint) as added_rows, cast(0 as hugeint) as added_sum from ("
            ~ (removed if removed is not none else counted ~ predicate) ~ ") as removed",
        'after': "update aethermart_content_delta set added_rows = added.row_count, added_sum = added.hash_sum from ("
            ~ counted ~ "rowid > " ~ last_rowid ~ ") as added",
    }) }}
{% endmacro %}
