{#- The rebuild-by-extraction path of the `table` materialization (plan from
    rebuild_by_extraction_plan): in the model's transaction, delete the table's rows of the
    planned keys and its rows without a key, and insert what the model's SQL gives with its
    bronze input narrowed to those rows (_rebuild_by_extraction_code) - nothing when the plan is
    idle (nothing landed for the table, no parent key changed: only another input, such as
    another table's entry in the list of extractions, changed); then record what was read and
    the table's fingerprint (its content counted from the rows deleted and inserted:
    _content_delta_sql). A killed build commits none of it. -#}
{% macro rebuild_by_extraction_apply(target_relation, checked, spec, plan) %}
    {{ run_hooks(pre_hooks, inside_transaction=False) }}
    {{ run_hooks(pre_hooks, inside_transaction=True) }}
    {%- set column = adapter.quote(spec.key) -%}
    {%- if not plan.idle -%}
    {%- set change_log = _rebuilt_keys_change_log(target_relation, spec.key, 'aethermart_extraction_keys') -%}
    {%- set delta = _content_delta_sql(target_relation, predicate=column ~ " is null or " ~ column ~ " in (select key from aethermart_extraction_keys)") -%}
    {% call statement('main') -%}
        {{ change_log.before }};
        {{ delta.before }};
        delete from {{ target_relation }}
        where {{ column }} is null or {{ column }} in (select key from aethermart_extraction_keys);
        insert into {{ target_relation }} by name
        select * from (
            {{ _rebuild_by_extraction_code(spec, 'aethermart_extraction_keys') }}
        ) as rebuilt_rows;
        {{ change_log.after }};
        {{ delta.after }}
    {%- endcall %}
    {%- endif -%}
    {{ run_hooks(post_hooks, inside_transaction=True) }}
    {% do rebuild_by_extraction_record(spec, true) %}
    {% do model_fingerprint_record(checked.fingerprint, target_relation,
        none if plan.idle else _content_delta_counted(target_relation)) %}
    {% do persist_docs(target_relation, model) %}
    {{ adapter.commit() }}
    {%- if plan.idle -%}
        {{ log(model.name ~ ": nothing landed for " ~ spec.table ~ " since its last build and no parent key "
            ~ "changed: rows kept (another input changed)", info=true) }}
    {%- else -%}
        {{ log(model.name ~ ": extractions since its last build touched " ~ plan.touched ~ " keys of its "
            ~ plan.rows ~ " rows: rebuilt their rows", info=true) }}
    {%- endif -%}
    {{ run_hooks(post_hooks, inside_transaction=False) }}
    {{ return({'relations': [target_relation]}) }}
{% endmacro %}
