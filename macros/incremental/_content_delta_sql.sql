{#- SQL around an in-place write of some rows (a rebuild by key, by landed file or by
    extraction, a merge) - {'before': run before its delete, 'after': after its insert} - that
    counts what the write removed and added: the row count and the sum of the rows' hashes
    (as _model_fingerprint_content counts a table) of the table's rows matching `predicate`
    before the delete and after the insert (the predicate must select exactly the rows the
    write deletes, and then the ones it inserts), into the temp table aethermart_content_delta
    with the table's content before: `before`, text '<count>:<sum>[:...]' when the caller
    counted it, else as recorded in ops.model_fingerprints (which the write's plan found the
    table still holds). _content_delta_counted then gives the content after without a scan of
    the whole table. -#}
{% macro _content_delta_sql(relation, predicate, before=none) %}
    {%- set recorded = sql_string(before) if before is not none
        else "(select any_value(content_hash) from ops.model_fingerprints where relation = "
            ~ sql_string(_model_fingerprint_key(relation)) ~ ")" -%}
    {%- set counted = "select count(*) as row_count, coalesce(sum(hash(content_rows)), 0) as hash_sum from "
        ~ relation ~ " as content_rows where " ~ predicate -%}
    {{ return({
        'before': "create or replace temp table aethermart_content_delta as select " ~ recorded ~ " as before, "
            ~ "row_count as removed_rows, cast(hash_sum as hugeint) as removed_sum, cast(0 as bigint) as added_rows, "
            ~ "cast(0 as hugeint) as added_sum from (" ~ counted ~ ") as removed",
        'after': "update aethermart_content_delta set added_rows = added.row_count, added_sum = added.hash_sum from ("
            ~ counted ~ ") as added",
    }) }}
{% endmacro %}
