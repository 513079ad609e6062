{#- SQL run in the model's transaction, after the new table took its name: forget the old
    fingerprint, record the new one with the table's content (`_model_fingerprint_content`,
    one scan of the table just written, or `counted`: its row count and hash sum as an
    in-place write counted them, _content_delta_counted) and this invocation as the one that last checked it
    (none: the model has none, so nothing that reads it can be kept either). A killed build
    commits neither the table nor its fingerprint. -#}
{% macro model_fingerprint_record(fingerprint, target_relation, counted=none) %}
    {%- set key = sql_string(_model_fingerprint_key(target_relation)) -%}
    {%- set statements = [model_fingerprint_table_ddl(),
        "delete from ops.model_fingerprints where relation = " ~ key] -%}
    {%- if fingerprint is not none -%}
        {%- do statements.append(
            "insert into ops.model_fingerprints (relation, unique_id, fingerprint, row_count, built_at, invocation_id, "
            ~ "content_hash, checked_invocation_id) select " ~ key ~ ", " ~ sql_string(model.unique_id)
            ~ ", " ~ sql_string(fingerprint) ~ ", (select count(*) from " ~ target_relation ~ "), now(), "
            ~ sql_string(invocation_id) ~ ", " ~ _model_fingerprint_content(target_relation, counted) ~ ", "
            ~ sql_string(invocation_id)) -%}
    {%- endif -%}
    {% call statement('model_fingerprint_record') -%}
        {{ statements | join(";\n") }}
    {%- endcall %}
{% endmacro %}
