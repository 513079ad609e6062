{#- SQL run in the model's transaction with its table: the model's key digests in
    ops.model_key_digests under its static fingerprint and this invocation (which writes the
    table's fingerprint row too), and what it read (ops.merge_scope_builds: each keyed input's
    content as this invocation found it, for _rebuild_by_key_logged_keys). The digests are
    replaced - by those of rebuild_by_key_plan's temp table when it computed every key's, else
    computed now - or, after a rebuild by key whose plan computed only the keys its inputs'
    logs name, updated for those keys. None of it without a static fingerprint (unknown
    inputs, --empty, an input ref() reads from elsewhere): the next build rebuilds whole. -#}
{% macro rebuild_by_key_record(keyed, checked, plan) %}
    {%- set key = sql_string(_model_fingerprint_key(this)) -%}
    {%- set recordable = keyed is not none and keyed.own and checked.static is not none and not flags.EMPTY -%}
    {%- set partial = recordable and plan and plan.apply and plan.logged -%}
    {%- set statements = [model_key_digests_table_ddl(), merge_scope_table_ddl(),
        "delete from ops.merge_scope_builds where relation = " ~ key] -%}
    {%- if partial -%}
        {%- do statements.append("delete from ops.model_key_digests where relation = " ~ key
            ~ " and hash(key) in (select key from aethermart_touched_keys)") -%}
        {%- do statements.append("update ops.model_key_digests set invocation_id = " ~ sql_string(invocation_id)
            ~ " where relation = " ~ key) -%}
    {%- else -%}
        {%- do statements.append("delete from ops.model_key_digests where relation = " ~ key) -%}
    {%- endif -%}
    {%- if recordable -%}
        {%- set digests = "aethermart_key_digests" if plan and (partial or not plan.logged)
            else "(" ~ _rebuild_by_key_digests(keyed.inputs) ~ ")" -%}
        {%- do statements.append("insert into ops.model_key_digests (relation, static_fingerprint, key, digest, "
            ~ "invocation_id) select " ~ key ~ ", " ~ sql_string(checked.static) ~ ", key, digest, "
            ~ sql_string(invocation_id) ~ " from " ~ digests ~ " as digests") -%}
        {%- do statements.append("insert into ops.merge_scope_builds (relation, invocation_id, static_fingerprint, "
            ~ "input_relation, input_content) select " ~ key ~ ", " ~ sql_string(invocation_id) ~ ", "
            ~ sql_string(checked.static) ~ ", inputs.input_relation, inputs.input_content from ("
            ~ _merge_scope_input_states(keyed.inputs) ~ ") as inputs") -%}
    {%- endif -%}
    {%- if plan -%}
        {%- do statements.append("drop table if exists aethermart_key_digests") -%}
        {%- do statements.append("drop table if exists aethermart_changed_keys") -%}
        {%- do statements.append("drop table if exists aethermart_touched_keys") -%}
        {%- do statements.append("drop table if exists aethermart_table_row_hashes") -%}
    {%- endif -%}
    {% call statement('rebuild_by_key_record') -%}
        {{ statements | join(";\n") }}
    {%- endcall %}
{% endmacro %}
