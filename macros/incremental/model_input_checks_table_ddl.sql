{% macro model_input_checks_table_ddl() %}
    {#- ops.model_input_checks: the table models whose content a reader compared with their
        record in this invocation (macro model_fingerprint), so that the next reader in the
        same invocation need not compare again. Append-only: two threads' readers may mark
        the same input at once (an update of one row from two transactions conflicts in
        DuckDB, an insert does not). Created by build_record_start only. -#}
    {{ return("create schema if not exists ops;\n"
        ~ "create table if not exists ops.model_input_checks (relation varchar not null, "
        ~ "invocation_id varchar not null, checked_at timestamp with time zone)") }}
{% endmacro %}
