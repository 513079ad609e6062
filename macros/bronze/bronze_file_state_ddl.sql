{% macro bronze_file_state_ddl() %}
    {#- ops.bronze_file_state (the identities of the files each bronze model's rows came from,
        and whether the model's data tests have passed on them) and ops.bronze_file_reads
        (what each run read). Created by on-run-start, once, before models run in parallel
        (with threads > 1, two transactions creating one table conflict); each pre-hook
        repeats it as a no-op for commands without hooks. -#}
    {{ return("create schema if not exists ops;\n"
        ~ "create table if not exists ops.bronze_file_state (model varchar not null, file_path varchar not null, "
        ~ "file_size bigint, file_modified_at timestamptz, fingerprint varchar, recorded_by varchar, "
        ~ "tests_passed_by varchar);\n"
        ~ "alter table ops.bronze_file_state add column if not exists tests_passed_by varchar;\n"
        ~ "create table if not exists ops.bronze_file_reads (invocation_id varchar not null, model varchar not null, "
        ~ "file_path varchar not null, file_size bigint, file_modified_at timestamptz, is_full_refresh boolean)") }}
{% endmacro %}
