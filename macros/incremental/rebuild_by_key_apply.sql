{#- The rebuild-by-key path of `bucketed_table` (plan from rebuild_by_key_plan): in the
    model's transaction, delete the rows of the changed keys and insert what the model's SQL
    gives for them, in the plan's passes of at most `pass_keys` keys each (its `in_build_pass`
    filters read a pass's keys from the DuckDB variable aethermart_build_keys), then record
    the key digests and the fingerprint with the table (its content counted from the rows
    deleted and inserted: _content_delta_sql). The enforced contract is checked as
    in a full build; the SQL is the one the full build uses (narrowed_inputs_code). A killed
    build commits none of it. -#}
{% macro rebuild_by_key_apply(target_relation, checked, keyed, plan, code) %}
    {{ run_hooks(pre_hooks, inside_transaction=False) }}
    {{ run_hooks(pre_hooks, inside_transaction=True) }}
    {#- the enforced contract, checked as create_table_as checks it in a full build -#}
    {{ get_assert_columns_equivalent(code) }}
    {%- set delta = _content_delta_sql(target_relation, removed="select count(*) as row_count, coalesce(sum(h), 0) as hash_sum "
        ~ "from aethermart_table_row_hashes where key in (select key from aethermart_changed_keys)") %}
    {% call statement('main') -%}
        reset variable aethermart_bucket;
        {{ delta.before }};
        delete from {{ target_relation }}
        where {{ adapter.quote(keyed.column) }} in (select key from aethermart_changed_keys);
        create or replace temp table aethermart_changed_key_passes as
        select key, (row_number() over (order by key) - 1) // {{ plan.pass_keys }} as pass
        from aethermart_changed_keys;
        {% for pass in range(plan.passes) if plan.changed_keys > 0 -%}
        set variable aethermart_build_keys = (
            select coalesce(list(key), []) from aethermart_changed_key_passes where pass = {{ pass }}
        );
        insert into {{ target_relation }} {{ get_column_names() }} (
            {{ get_select_subquery(code) }}
        );
        {% endfor -%}
        reset variable aethermart_build_keys;
        {{ delta.after }}
    {%- endcall %}
    {{ run_hooks(post_hooks, inside_transaction=True) }}
    {% do model_fingerprint_record(checked.fingerprint, target_relation, _content_delta_counted(target_relation)) %}
    {% do rebuild_by_key_record(keyed, checked, plan) %}
    {% do persist_docs(target_relation, model) %}
    {{ adapter.commit() }}
    {{ log(model.name ~ ": inputs of " ~ plan.changed_keys ~ " of " ~ plan.all_keys
        ~ " keys changed: rebuilt their rows" ~ (" in " ~ plan.passes ~ " passes of at most " ~ plan.pass_keys
        ~ " keys" if plan.passes > 1 else ""), info=true) }}
    {{ run_hooks(post_hooks, inside_transaction=False) }}
    {{ return({'relations': [target_relation]}) }}
{% endmacro %}
