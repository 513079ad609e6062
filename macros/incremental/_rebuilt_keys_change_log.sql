{#- SQL around a rebuild of some keys' rows in place (rebuild_by_landed_file_apply,
    rebuild_by_extraction_apply): {'before': run before the delete, 'after': after the
    insert}. It logs the rebuild as a merge logs its changes, for the readers' merge_scope:
    ops.model_changes gets the content the rebuild started from (as recorded with the table,
    which the plan found it still holds) and this invocation, ops.model_changed_keys the hashes
    of the key column's values in the rebuilt rows, before and after (those of the keys in
    `keys_table` and NULL). Nothing (`select 1` both) when no reading model names the key column
    (merge_scope, rebuild_by_key: _merge_scope_named_columns): the log would have no reader,
    which reads only the column it names (a reader added later compares whole once, having no
    record). -#}
{% macro _rebuilt_keys_change_log(target_relation, key_column, keys_table) %}
    {%- if key_column | lower not in _merge_scope_named_columns() -%}
        {{ return({'before': 'select 1', 'after': 'select 1'}) }}
    {%- endif -%}
    {%- set relation_key = sql_string(_model_fingerprint_key(target_relation)) -%}
    {%- set column = adapter.quote(key_column) -%}
    {%- set log_keys = "insert into ops.model_changed_keys (relation, key_hash) select distinct " ~ relation_key
        ~ ", hash(" ~ column ~ ") from " ~ target_relation ~ " where " ~ column ~ " is null or " ~ column
        ~ " in (select key from " ~ keys_table ~ ")" -%}
    {%- set before = [
        model_changes_table_ddl(),
        merge_scope_table_ddl(),
        "delete from ops.model_changed_keys where relation = " ~ relation_key,
        "delete from ops.model_changed_values where relation = " ~ relation_key,
        "delete from ops.model_changed_columns where relation = " ~ relation_key,
        "delete from ops.model_changes where relation = " ~ relation_key,
        "insert into ops.model_changes (relation, changed_keys, before_row_count, before_content, invocation_id) "
            ~ "select relation, (select count(*) from " ~ keys_table ~ "), row_count, content_hash, "
            ~ sql_string(invocation_id) ~ " from ops.model_fingerprints where relation = " ~ relation_key,
        "insert into ops.model_changed_columns (relation, column_name, invocation_id, is_key) values (" ~ relation_key
            ~ ", " ~ sql_string(key_column | lower) ~ ", " ~ sql_string(invocation_id) ~ ", true)",
        log_keys,
    ] -%}
    {{ return({'before': before | join(";\n"), 'after': log_keys}) }}
{% endmacro %}
