{#- SQL run in the model's transaction with its table: replace what ops records of the
    extractions and parents' keys a model with `rebuild_by_extraction` was built from (the
    parents' keys from the temp table of rebuild_by_extraction_plan when it ran, else read
    now); none when the build cannot be compared later (--empty, an input read from elsewhere,
    a static fingerprint without a state), so the next build is whole too. -#}
{% macro rebuild_by_extraction_record(spec, planned) %}
    {%- set key = sql_string(_model_fingerprint_key(this)) -%}
    {%- set states = _rebuild_by_extraction_states(this) -%}
    {%- set table = sql_string(spec.table) -%}
    {%- set extractions = spec.reads[spec.extractions] -%}
    {%- set statements = [extraction_builds_table_ddl(),
        "delete from ops.extraction_builds where relation = " ~ key] -%}
    {%- if spec.own and not flags.EMPTY -%}
        {%- do statements.append("insert into ops.extraction_builds (relation, static_fingerprint, latest_snapshot, "
            ~ "last_extraction, history, invocation_id) select " ~ key ~ ", static_fingerprint, latest_snapshot, "
            ~ "last_extraction, " ~ _rebuild_by_extraction_history(spec, 'latest_snapshot', 'last_extraction') ~ ", "
            ~ sql_string(invocation_id) ~ " from (select " ~ _rebuild_by_extraction_static(spec) ~ " as static_fingerprint, "
            ~ "(select coalesce(max(extraction_id), '') from " ~ extractions ~ " where table_name = " ~ table
            ~ " and extraction_mode = 'snapshot') as latest_snapshot, (select coalesce(max(extraction_id), '') from "
            ~ extractions ~ " where table_name = " ~ table ~ ") as last_extraction) as built where static_fingerprint is not null") -%}
        {%- do statements.append("create or replace table " ~ states ~ " as "
            ~ ("select * from aethermart_parent_states" if planned else _rebuild_by_extraction_parent_states(spec))) -%}
    {%- else -%}
        {%- do statements.append("drop table if exists " ~ states) -%}
    {%- endif -%}
    {%- if planned -%}
        {%- do statements.append("drop table if exists aethermart_parent_states") -%}
        {%- do statements.append("drop table if exists aethermart_extraction_keys") -%}
        {%- do statements.append("drop table if exists aethermart_changed_parents") -%}
    {%- endif -%}
    {% call statement('rebuild_by_extraction_record') -%}
        {{ statements | join(";\n") }}
    {%- endcall %}
{% endmacro %}
