{% macro merge_scope_table_ddl() %}
    {#- ops.merge_scope_builds: per model with `merge_scope`, one row per listed input, written
        with the table (whole or merged): the model's `static` fingerprint then (code, config,
        contract, versions, the inputs' columns), each input's content as recorded in
        ops.model_fingerprints when this model read it, and the table's content by the text of
        its nested columns (_merge_scope_table_content; NULL without any) - merge_scope_plan
        compares them; ops.model_changed_values: per merged model, the hashes of the values,
        before and after, of the columns its readers' merge_scope names
        (merge_scope_logged_columns) in its changed keys' rows; ops.model_changed_columns which
        columns a model's last logged write logged, and which of them is the key whose hashes
        ops.model_changed_keys holds (`is_key`). Created by build_record_start. -#}
    {{ return("create schema if not exists ops;\n"
        ~ "create table if not exists ops.merge_scope_builds (relation varchar not null, invocation_id varchar not null, "
        ~ "static_fingerprint varchar not null, input_relation varchar not null, input_content varchar, "
        ~ "table_content varchar);\n"
        ~ "create table if not exists ops.model_changed_values (relation varchar not null, column_name varchar not null, "
        ~ "value_hash ubigint not null);\n"
        ~ "create table if not exists ops.model_changed_columns (relation varchar not null, column_name varchar not null, "
        ~ "invocation_id varchar not null, is_key boolean not null)") }}
{% endmacro %}
