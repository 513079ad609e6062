{#- SQL run in the model's transaction with its table: replace the model's key digests in
    ops.model_key_digests - the digests of this build's inputs (from the temp table of
    rebuild_by_key_plan when it ran, else computed now) under its static fingerprint and this
    invocation (which writes the table's fingerprint row too); none without one (unknown
    inputs, --empty, an input ref() reads from elsewhere), so the next build rebuilds whole. -#}
{% macro rebuild_by_key_record(keyed, checked, planned) %}
    {%- set key = sql_string(_model_fingerprint_key(this)) -%}
    {%- set statements = [model_key_digests_table_ddl(),
        "delete from ops.model_key_digests where relation = " ~ key] -%}
    {%- if keyed is not none and keyed.own and checked.static is not none and not flags.EMPTY -%}
        {%- set digests = "aethermart_key_digests" if planned else "(" ~ _rebuild_by_key_digests(keyed.inputs) ~ ")" -%}
        {%- do statements.append("insert into ops.model_key_digests (relation, static_fingerprint, key, digest, "
            ~ "invocation_id) select " ~ key ~ ", " ~ sql_string(checked.static) ~ ", key, digest, "
            ~ sql_string(invocation_id) ~ " from " ~ digests ~ " as digests") -%}
    {%- endif -%}
    {%- if planned -%}
        {%- do statements.append("drop table if exists aethermart_key_digests") -%}
        {%- do statements.append("drop table if exists aethermart_changed_keys") -%}
    {%- endif -%}
    {% call statement('rebuild_by_key_record') -%}
        {{ statements | join(";\n") }}
    {%- endcall %}
{% endmacro %}
