{% macro model_changes_table_ddl() %}
    {#- ops.model_changes: per table model whose last write merged its changed keys
        (merge_changed_rows), the content it merged into (_model_fingerprint_content before
        the merge, with its row count), how many keys it changed and the invocation that
        merged (the one ops.model_fingerprints then names as the table's writer);
        ops.model_changed_keys: those keys' hashes. A data test that passed on the content
        before checks only those keys' rows (data_test_changed_rows_scope). Created by
        build_record_start. -#}
    {{ return("create schema if not exists ops;\n"
        ~ "create table if not exists ops.model_changes (relation varchar not null, changed_keys bigint not null, "
        ~ "before_row_count bigint not null, before_content varchar not null, invocation_id varchar not null);\n"
        ~ "create table if not exists ops.model_changed_keys (relation varchar not null, key_hash ubigint not null)") }}
{% endmacro %}
