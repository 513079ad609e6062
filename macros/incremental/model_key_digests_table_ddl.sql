{% macro model_key_digests_table_ddl() %}
    {#- ops.model_key_digests: per table model with `rebuild_by_key`, one row per key of its
        inputs, written with its table by the invocation that wrote the table -#}
    {{ return("create schema if not exists ops;\n"
        ~ "create table if not exists ops.model_key_digests (relation varchar not null, "
        ~ "static_fingerprint varchar not null, key varchar, digest hugeint not null, invocation_id varchar not null)") }}
{% endmacro %}
