{% macro model_fingerprint_table_ddl() %}
    {#- ops.model_fingerprints: one row per table model, written with its table -#}
    {{ return("create schema if not exists ops;\n"
        ~ "create table if not exists ops.model_fingerprints (relation varchar not null, unique_id varchar, "
        ~ "fingerprint varchar not null, row_count bigint not null, built_at timestamp with time zone, "
        ~ "invocation_id varchar not null, content_hash varchar, checked_invocation_id varchar)") }}
{% endmacro %}
