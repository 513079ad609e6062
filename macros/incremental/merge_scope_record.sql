{#- SQL run in the model's transaction after its table was written (whole or merged): what a
    model with `merge_scope` was built from - its `static` fingerprint and each listed input's
    content as recorded, while this invocation found the input holding it (else NULL, which
    no later write matches: _merge_scope_input_state) - for merge_scope_plan. Without a
    static fingerprint (an input without a state), or when ref() reads an input from elsewhere
    (--defer's state, --empty's wrappers), the record is only removed. -#}
{% macro merge_scope_record(scope, static) %}
    {%- set key = sql_string(_model_fingerprint_key(this)) -%}
    {%- set statements = [merge_scope_table_ddl(), "delete from ops.merge_scope_builds where relation = " ~ key] -%}
    {%- if static is not none and scope.own -%}
        {#- the table's nested columns' text, one scan for every input's row -#}
        {%- do statements.append("insert into ops.merge_scope_builds (relation, invocation_id, static_fingerprint, "
            ~ "input_relation, input_content, table_content) select " ~ key ~ ", " ~ sql_string(invocation_id) ~ ", "
            ~ sql_string(static) ~ ", inputs.input_relation, inputs.input_content, content.table_content from (select "
            ~ (_merge_scope_table_content(this) or "cast(null as varchar)") ~ " as table_content) as content, ("
            ~ _merge_scope_input_states(scope.inputs) ~ ") as inputs") -%}
    {%- endif -%}
    {% call statement('merge_scope_record') -%}
        {{ statements | join(";\n") }}
    {%- endcall %}
{% endmacro %}
