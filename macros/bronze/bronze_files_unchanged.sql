{#- Whether the incremental bronze model being run has nothing to read or forget: an
    incremental run (the table exists, no --full-refresh, not --empty) whose files were recorded
    under the same fingerprint (code, sources, landing path: _bronze_file_plan_incremental),
    every listed file of its sources recorded with the same path, size and modification time,
    no recorded file missing from the listing, and no row of the table without a recorded file
    (the forget pre-hook deletes such rows: written by hand, or copied from another warehouse).
    The `incremental` materialization then keeps the table as it is (bronze_files_keep): the
    build would delete no row and insert none. -#}
{% macro bronze_files_unchanged() %}
    {%- if not bronze_is_incremental_model() or flags.EMPTY or not _bronze_file_plan_incremental() -%}
        {{ return(false) }}
    {%- endif -%}
    {%- set listed = _bronze_listed_files_sql() -%}
    {%- set column = bronze_file_column() -%}
    {%- set changes = run_query(
        "select (select count(*) from (" ~ listed ~ ") as listed where not exists (" ~ _bronze_kept_file_sql('listed') ~ "))"
        ~ " + (select count(*) from ops.bronze_file_state as recorded where recorded.model = " ~ sql_string(model.name)
        ~ " and not exists (select 1 from (" ~ listed ~ ") as listed where listed.file_path = recorded.file_path"
        ~ " and listed.file_size = recorded.file_size and listed.file_modified_at = recorded.file_modified_at))"
        ~ " + (select count(*) from " ~ this ~ " where " ~ column ~ " is null or " ~ column ~ " not in ("
        ~ "select recorded.file_path from ops.bronze_file_state as recorded where recorded.model = " ~ sql_string(model.name) ~ "))"
    ).columns[0].values()[0] -%}
    {{ return(changes == 0) }}
{% endmacro %}
