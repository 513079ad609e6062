{% macro bronze_file_state_ddl() %}
    {#- ops.bronze_file_state (the identities of the files each bronze model's rows came from),
        ops.bronze_file_reads (what each run read) and ops.bronze_test_passes (per data test
        of a bronze model, the files it passed on, under which code fingerprint). Created by
        on-run-start, once, before models run in parallel (with threads > 1, two transactions
        creating one table conflict); each pre-hook repeats it as a no-op for commands without
        hooks. -#}
    {{ return("create schema if not exists ops;\n"
        ~ "create table if not exists ops.bronze_file_state (model varchar not null, file_path varchar not null, "
        ~ "file_size bigint, file_modified_at timestamptz, fingerprint varchar, recorded_by varchar);\n"
        ~ "create table if not exists ops.bronze_file_reads (invocation_id varchar not null, model varchar not null, "
        ~ "file_path varchar not null, file_size bigint, file_modified_at timestamptz, is_full_refresh boolean);\n"
        ~ "create table if not exists ops.bronze_test_passes (test varchar not null, model varchar not null, "
        ~ "file_path varchar not null, code_fingerprint varchar, invocation_id varchar not null)") }}
{% endmacro %}
