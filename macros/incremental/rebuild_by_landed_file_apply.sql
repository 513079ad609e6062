{#- The rebuild-by-landed-file path of the `table` materialization (plan from
    rebuild_by_landed_file_plan): in the model's transaction, delete the table's rows of the
    planned keys and its rows without a key, and insert the rows of those keys (and without a
    key) that the model's SQL gives (`code`: its parents narrowed to their keys' usability) with
    the DuckDB variable of in_rebuilt_keys set to the planned keys - nothing when the plan is
    idle (no file changed, no parent key changed: only another input changed), or, when the plan
    appends drops, what _appended_drops_write writes; then record what
    was read and the table's fingerprint (its content counted from the rows deleted and
    inserted: _content_delta_sql). A killed build commits none of it. -#}
{% macro rebuild_by_landed_file_apply(target_relation, checked, spec, plan, code) %}
    {{ run_hooks(pre_hooks, inside_transaction=False) }}
    {{ run_hooks(pre_hooks, inside_transaction=True) }}
    {%- set column = adapter.quote(spec.key) -%}
    {%- set variable = _rebuilt_keys_variable() -%}
    {%- if plan.get('append') -%}
    {% do _appended_drops_write(target_relation, spec, code) %}
    {%- elif not plan.idle -%}
    {%- set change_log = _rebuilt_keys_change_log(target_relation, spec.key, 'aethermart_landed_keys') -%}
    {%- set delta = _content_delta_sql(target_relation, predicate=column ~ " is null or " ~ column ~ " in (select key from aethermart_landed_keys)") -%}
    {% call statement('main') -%}
        {{ change_log.before }};
        {{ delta.before }};
        delete from {{ target_relation }}
        where {{ column }} is null or {{ column }} in (select key from aethermart_landed_keys);
        set variable {{ variable }} = (select coalesce(list(key), []) from aethermart_landed_keys);
        insert into {{ target_relation }} by name
        select * from (
            {{ code }}
        ) as rebuilt_rows
        where {{ column }} is null or {{ column }} in (select key from aethermart_landed_keys);
        reset variable {{ variable }};
        {{ change_log.after }};
        {{ delta.after }}
    {%- endcall %}
    {%- endif -%}
    {{ run_hooks(post_hooks, inside_transaction=True) }}
    {% do rebuild_by_landed_file_record(spec, true) %}
    {% do model_fingerprint_record(checked.fingerprint, target_relation,
        none if plan.idle else _content_delta_counted(target_relation)) %}
    {% do persist_docs(target_relation, model) %}
    {{ adapter.commit() }}
    {%- if plan.idle -%}
        {{ log(model.name ~ ": no landed file changed since its last build and no parent key changed: rows kept "
            ~ "(another input changed)", info=true) }}
    {%- elif plan.get('append') -%}
        {{ log(model.name ~ ": " ~ plan.why ~ ": checked those rows alone and appended them", info=true) }}
    {%- else -%}
        {{ log(model.name ~ ": " ~ plan.why ~ ": rebuilt those rows", info=true) }}
    {%- endif -%}
    {{ run_hooks(post_hooks, inside_transaction=False) }}
    {{ return({'relations': [target_relation]}) }}
{% endmacro %}

{#- The append of rebuild_by_landed_file_apply (a plan from _appended_drops_plan): the rows the
    model's SQL gives for the new files alone (in_appended_drops' variable set to them) are
    inserted, and the table's silver rows of the keys those rows bring a silver row for are
    written again as superseded (deleted and inserted: the content counted by
    _content_delta_sql). The temp table aethermart_landed_keys gets every key of the new rows,
    for the change log its readers compare. -#}
{% macro _appended_drops_write(target_relation, spec, code) %}
    {%- set column = adapter.quote(spec.key) -%}
    {%- set variable = _appended_files_variable() -%}
    {%- set superseded = "outcome = 'silver' and " ~ column ~ " in (select " ~ column
        ~ " from aethermart_appended_rows where outcome = 'silver')" -%}
    {% call statement('appended_rows') -%}
        set variable {{ variable }} = (select coalesce(list(source_file), []) from aethermart_changed_files);
        create or replace temp table aethermart_appended_rows as
        select * from (
            {{ code }}
        ) as appended_rows
        where _source_file in (select source_file from aethermart_changed_files);
        reset variable {{ variable }};
        create or replace temp table aethermart_landed_keys as
        select distinct cast({{ column }} as varchar) as key from aethermart_appended_rows where {{ column }} is not null
    {%- endcall %}
    {%- set change_log = _rebuilt_keys_change_log(target_relation, spec.key, 'aethermart_landed_keys') -%}
    {%- set delta = _content_delta_sql(target_relation, predicate=superseded) -%}
    {% call statement('main') -%}
        {{ change_log.before }};
        {{ delta.before }};
        create or replace temp table aethermart_superseded_rows as
        select * replace (cast('superseded' as varchar) as outcome) from {{ target_relation }} where {{ superseded }};
        delete from {{ target_relation }} where {{ superseded }};
        insert into {{ target_relation }} by name select * from aethermart_superseded_rows;
        insert into {{ target_relation }} by name select * from aethermart_appended_rows;
        drop table aethermart_superseded_rows;
        drop table aethermart_appended_rows;
        {{ change_log.after }};
        {{ delta.after }}
    {%- endcall %}
{% endmacro %}
