{#- A table built in `buckets` passes (model config, default 1) instead of one query: pass b
    sets the DuckDB variable `aethermart_bucket` to b and inserts the rows for which the
    model's `in_build_pass(column)` filters hold. For document models whose nested
    `list()` aggregates cannot spill: each pass holds the aggregate state of 1/buckets of
    the customers, so peak memory falls with the bucket count while the result is the
    same. Otherwise exactly the duckdb `table` materialization: contract enforced, built
    under an intermediate name and swapped in by rename, hooks and docs as usual. Kept when
    its inputs did not change (model_fingerprint); with the config `rebuild_by_key`, only
    the rows of the keys whose inputs changed are rebuilt when nothing else changed
    (rebuild_by_key_plan, rebuild_by_key_apply; docs/layers.md). -#}
{% materialization bucketed_table, adapter='duckdb' %}

    {%- set buckets = config.get('buckets', 1) | int -%}
    {%- if not config.get('contract').enforced -%}
        {{ exceptions.raise_compiler_error(model.name ~ ': bucketed_table needs an enforced contract '
            ~ '(its passes insert by the declared column names)') }}
    {%- endif -%}
    {%- if buckets < 1 -%}
        {{ exceptions.raise_compiler_error(model.name ~ ': config buckets must be at least 1, got ' ~ buckets) }}
    {%- endif -%}
    {%- set existing_relation = load_cached_relation(this) -%}
    {%- set target_relation = this.incorporate(type='table') -%}
    {%- if config.get('input_columns') -%}
        {{ exceptions.raise_compiler_error(model.name ~ ": config input_columns is for `table` models "
            ~ "(a bucketed_table lists its shared inputs' columns in rebuild_by_key shared_columns)") }}
    {%- endif -%}
    {%- set keyed = rebuild_by_key_inputs() -%}
    {#- unchanged inputs keep the table (macro model_fingerprint, as the project's `table`) -#}
    {%- set checked = model_fingerprint(existing_relation, keyed) -%}
    {%- if checked.kept -%}
        {{ return(model_fingerprint_keep(target_relation)) }}
    {%- endif -%}
    {%- set code = narrowed_inputs_code(keyed.shared, keyed.reads, 'rebuild_by_key shared_columns')
        if keyed else compiled_code -%}
    {%- if keyed -%}{% do narrowed_inputs_check(code, 'rebuild_by_key shared_columns') %}{%- endif -%}
    {#- only keyed inputs changed: rebuild the rows of the keys whose inputs changed, in place -#}
    {%- set plan = rebuild_by_key_plan(existing_relation, checked, keyed) if keyed else none -%}
    {%- if plan and plan.apply -%}
        {{ return(rebuild_by_key_apply(target_relation, checked, keyed, plan, code)) }}
    {%- endif -%}
    {%- set intermediate_relation = make_intermediate_relation(target_relation) -%}
    {%- set backup_relation = make_backup_relation(target_relation, 'table') -%}
    {{ drop_relation_if_exists(load_cached_relation(intermediate_relation)) }}
    {{ drop_relation_if_exists(load_cached_relation(backup_relation)) }}

    {{ run_hooks(pre_hooks, inside_transaction=False) }}
    {{ run_hooks(pre_hooks, inside_transaction=True) }}

    {% call statement('main') -%}
        reset variable aethermart_build_keys;
        set variable aethermart_bucket = 0;
        {{ create_table_as(False, intermediate_relation, code) }}
    {%- endcall %}
    {% for bucket in range(1, buckets) %}
        {% call statement('bucket_' ~ bucket) -%}
            set variable aethermart_bucket = {{ bucket }};
            insert into {{ intermediate_relation }} {{ get_column_names() }} (
                {{ get_select_subquery(code) }}
            );
        {%- endcall %}
    {% endfor %}
    {% call statement('reset_bucket') -%}
        reset variable aethermart_bucket;
    {%- endcall %}

    {% if existing_relation is not none %}
        {{ adapter.rename_relation(existing_relation, backup_relation) }}
    {% endif %}
    {{ adapter.rename_relation(intermediate_relation, target_relation) }}

    {{ run_hooks(post_hooks, inside_transaction=True) }}
    {% do model_fingerprint_record(checked.fingerprint, target_relation) %}
    {% if keyed %}{% do rebuild_by_key_record(keyed, checked, plan) %}{% endif %}
    {% do persist_docs(target_relation, model) %}
    {{ adapter.commit() }}
    {{ drop_relation_if_exists(backup_relation) }}
    {{ run_hooks(post_hooks, inside_transaction=False) }}

    {{ return({'relations': [target_relation]}) }}

{% endmaterialization %}
