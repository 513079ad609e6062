{% macro merge_scope_table_ddl() %}
    {#- ops.merge_scope_builds: per model with `merge_scope`, one row per listed input, written
        with the table (whole or merged): the model's `static` fingerprint then (code, config,
        contract, versions, the inputs' columns) and each input's content as recorded in
        ops.model_fingerprints when this model read it (merge_scope_plan compares them);
        ops.model_changed_values: per merged model, the hashes of the values, before and after,
        of the columns its readers' merge_scope names (merge_scope_logged_columns) in its changed
        keys' rows, and ops.model_changed_columns which columns its last merge logged. Created by
        build_record_start. -#}
    {{ return("create schema if not exists ops;\n"
        ~ "create table if not exists ops.merge_scope_builds (relation varchar not null, invocation_id varchar not null, "
        ~ "static_fingerprint varchar not null, input_relation varchar not null, input_content varchar);\n"
        ~ "create table if not exists ops.model_changed_values (relation varchar not null, column_name varchar not null, "
        ~ "value_hash ubigint not null);\n"
        ~ "create table if not exists ops.model_changed_columns (relation varchar not null, column_name varchar not null, "
        ~ "invocation_id varchar not null)") }}
{% endmacro %}
