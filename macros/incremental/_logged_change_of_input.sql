{#- SQL (text) of a scalar subquery over a row `inputs` (input: its ops key, column_name: a
    column of it, lower case, recorded: its content as a reader last read it, now: its
    content now): whether the input's last write logged its changes from exactly the recorded
    content into the content it holds now, with that column among the columns it logged - true
    as its key (ops.model_changed_keys holds their hashes), false as values
    (ops.model_changed_values) - or NULL when it did not. For merge_scope_plan and
    _rebuild_by_key_logged_keys. -#}
{% macro _logged_change_of_input() %}
    {{ return("(
                select any_value(logged.is_key) from ops.model_changes as changes
                inner join ops.model_fingerprints as writer
                    on writer.relation = changes.relation and writer.invocation_id = changes.invocation_id
                inner join ops.model_changed_columns as logged
                    on logged.relation = changes.relation and logged.invocation_id = changes.invocation_id
                where changes.relation = inputs.input and changes.before_content = inputs.recorded
                    and writer.content_hash = inputs.now and logged.column_name = inputs.column_name
            )") }}
{% endmacro %}
