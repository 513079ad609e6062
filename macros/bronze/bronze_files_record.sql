{% macro bronze_files_record() %}
    {#- post-hook of every bronze model, in its transaction: the files read this run
        (ops.bronze_file_reads, the proof that an unchanged landing zone reads nothing),
        then the identities of every listed file, which the rows now match. A file whose
        identity is kept keeps its tests_passed_by (bronze_files_tested); a new, changed or
        re-read file has none, so the model's data tests check it (bronze_test_scope). -#}
    {%- if not bronze_is_incremental_model() -%}{{ return('') }}{%- endif -%}
    {%- set full = not _bronze_file_plan_incremental() -%}
    {%- set listed = _bronze_listed_files_sql() -%}
    {%- set name = sql_string(model.name) -%}
    {%- set statements = [
        "insert into ops.bronze_file_reads select " ~ sql_string(invocation_id) ~ ", " ~ name
        ~ ", listed.file_path, listed.file_size, listed.file_modified_at, " ~ full ~ " from (" ~ listed ~ ") as listed"
        ~ ("" if full else " where not exists (" ~ _bronze_kept_file_sql('listed') ~ ")"),
        "delete from ops.bronze_file_state as stale where stale.model = " ~ name
        ~ (" and (stale.fingerprint is distinct from " ~ sql_string(bronze_file_fingerprint())
            ~ " or not exists (select 1 from (" ~ listed ~ ") as listed where listed.file_path = stale.file_path"
            ~ " and listed.file_size = stale.file_size and listed.file_modified_at = stale.file_modified_at))"
            if not full else ""),
        "update ops.bronze_file_state set recorded_by = " ~ sql_string(invocation_id) ~ " where model = " ~ name,
        "insert into ops.bronze_file_state select " ~ name ~ ", file_path, file_size, file_modified_at, "
        ~ sql_string(bronze_file_fingerprint()) ~ ", " ~ sql_string(invocation_id) ~ ", null from (" ~ listed
        ~ ") as listed where not exists (" ~ _bronze_kept_file_sql('listed') ~ ")",
    ] -%}
    {{ return(statements | join(";\n")) }}
{% endmacro %}
