{#- The kept path of an incremental bronze model with nothing to read or forget
    (bronze_files_unchanged): the table is not touched and its hooks do not run (the project's
    bronze hooks, forget and record, and the rejects models' scans would find no file); the
    model's file record is marked as confirmed by this invocation (recorded_by), as a build
    that read nothing recorded it. dbt's result is that update. -#}
{% macro bronze_files_keep(target_relation) %}
    {{ log(model.name ~ ": no landed file new, changed or removed since its last build: rows kept", info=true) }}
    {% call statement('main') -%}
        update ops.bronze_file_state set recorded_by = {{ sql_string(invocation_id) }}
        where model = {{ sql_string(model.name) }}
    {%- endcall %}
    {{ adapter.commit() }}
    {{ return({'relations': [target_relation]}) }}
{% endmacro %}
