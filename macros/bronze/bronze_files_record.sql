{% macro bronze_files_record() %}
    {#- post-hook of every bronze model, in its transaction: the files read this run
        (ops.bronze_file_reads, the proof that an unchanged landing zone reads nothing),
        then the identities of every listed file, which the rows now match. The test passes
        of a file whose rows were replaced or removed (every file on a full read) are
        forgotten, so the model's data tests check its new rows (bronze_test_scope). Under
        `--empty` no file was read: an incremental run records nothing (the rows and their
        record stay as they were); a full one (new table, --full-refresh) left the table
        empty, so the model's record is cleared and the next build reads every file. -#}
    {%- if not bronze_is_incremental_model() -%}{{ return('') }}{%- endif -%}
    {%- set full = not _bronze_file_plan_incremental() -%}
    {%- if flags.EMPTY -%}
        {%- if not full -%}{{ return('') }}{%- endif -%}
        {{ return("delete from ops.bronze_test_passes where model = " ~ sql_string(model.name)
            ~ ";\ndelete from ops.bronze_file_state where model = " ~ sql_string(model.name)) }}
    {%- endif -%}
    {%- set listed = _bronze_listed_files_sql() -%}
    {%- set name = sql_string(model.name) -%}
    {%- set statements = [
        "insert into ops.bronze_file_reads select " ~ sql_string(invocation_id) ~ ", " ~ name
        ~ ", listed.file_path, listed.file_size, listed.file_modified_at, " ~ full ~ " from (" ~ listed ~ ") as listed"
        ~ ("" if full else " where not exists (" ~ _bronze_kept_file_sql('listed') ~ ")"),
        "delete from ops.bronze_test_passes where model = " ~ name
        ~ ("" if full else " and file_path not in (select listed.file_path from (" ~ listed ~ ") as listed where exists ("
            ~ _bronze_kept_file_sql('listed') ~ "))"),
        "delete from ops.bronze_file_state where model = " ~ name,
        "insert into ops.bronze_file_state (model, file_path, file_size, file_modified_at, fingerprint, recorded_by) "
        ~ "select " ~ name ~ ", file_path, file_size, file_modified_at, "
        ~ sql_string(bronze_file_fingerprint()) ~ ", " ~ sql_string(invocation_id) ~ " from (" ~ listed ~ ") as listed",
    ] -%}
    {{ return(statements | join(";\n")) }}
{% endmacro %}
