{#- SQL run in the model's transaction with its table: replace what ops records of the landed
    files and parents' keys a model with `rebuild_by_landed_file` was built from (from the temp
    tables of rebuild_by_landed_file_plan when it ran, else read now); none when the build
    cannot be compared later (--empty, an input read from elsewhere, a static fingerprint
    without a state), so the next build is whole too. -#}
{% macro rebuild_by_landed_file_record(spec, planned) %}
    {%- set key = sql_string(_model_fingerprint_key(this)) -%}
    {%- set files = _landed_file_build_files(this) -%}
    {%- set states = _landed_file_build_parents(this) -%}
    {%- set statements = [landed_file_builds_table_ddl(), "delete from ops.landed_file_builds where relation = " ~ key] -%}
    {%- if spec.own and not flags.EMPTY -%}
        {%- do statements.append("insert into ops.landed_file_builds (relation, static_fingerprint, invocation_id) select "
            ~ key ~ ", static_fingerprint, " ~ sql_string(invocation_id) ~ " from (select "
            ~ _rebuild_by_extraction_static(spec) ~ " as static_fingerprint) as built where static_fingerprint is not null") -%}
        {%- do statements.append("create or replace table " ~ files ~ " as "
            ~ ("select * from aethermart_landed_files" if planned else _landed_file_digests(spec))) -%}
        {%- do statements.append("create or replace table " ~ states ~ " as "
            ~ ("select * from aethermart_parent_states" if planned else _rebuild_by_extraction_parent_states(spec))) -%}
    {%- else -%}
        {%- do statements.append("drop table if exists " ~ files) -%}
        {%- do statements.append("drop table if exists " ~ states) -%}
    {%- endif -%}
    {%- if planned -%}
        {%- for temp in ['aethermart_landed_files', 'aethermart_changed_files', 'aethermart_parent_states',
            'aethermart_changed_parents', 'aethermart_landed_keys'] -%}
            {%- do statements.append("drop table if exists " ~ temp) -%}
        {%- endfor -%}
    {%- endif -%}
    {% call statement('rebuild_by_landed_file_record') -%}
        {{ statements | join(";\n") }}
    {%- endcall %}
{% endmacro %}
