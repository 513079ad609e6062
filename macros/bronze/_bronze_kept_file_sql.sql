{% macro _bronze_kept_file_sql(listed_alias) %}
    {#- a correlated subquery: the listed file is recorded for this model, unchanged -#}
    {{ return("select 1 from ops.bronze_file_state as recorded where recorded.model = " ~ sql_string(model.name)
        ~ " and recorded.fingerprint = " ~ sql_string(bronze_file_fingerprint())
        ~ " and recorded.file_path = " ~ listed_alias ~ ".file_path"
        ~ " and recorded.file_size = " ~ listed_alias ~ ".file_size"
        ~ " and recorded.file_modified_at = " ~ listed_alias ~ ".file_modified_at") }}
{% endmacro %}
