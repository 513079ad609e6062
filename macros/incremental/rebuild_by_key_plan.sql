{#- Whether a `bucketed_table` model with `rebuild_by_key` (inputs from rebuild_by_key_inputs,
    fingerprints from model_fingerprint) can rebuild only the rows of the keys whose inputs
    changed, and which keys: none (rebuild the whole table) unless
      * the table exists, no --full-refresh, no --empty, every keyed and shared input read
        from this target (not --defer's state);
      * everything but the keyed inputs' rows is as when the table was written: the
        `static` fingerprint equals the one recorded with the key digests (code, config,
        contract, salt, versions, the keyed inputs' columns, every shared input's content);
      * the table still holds what was recorded when it was written (row count, content),
        by the invocation that recorded the digests (a later write that recorded none - an
        older version of the project, another materialization - rebuilds whole);
      * the changed keys fit in one pass (at most 1/buckets of the keys, or at most
        var('document_rebuild_pass_keys')), or in passes of that size numbering at most half
        the model's buckets, rounded down (a full build runs `buckets` passes over every input;
        more changed keys than that cost about as much, and a whole rebuild leaves no deleted
        rows behind): a model of fewer than four buckets rebuilds by key in one pass only.
    NULL is a key like any other: its input rows belong to no document (a row's key is its
    document's key), so its rebuild deletes and inserts nothing.
    Then the temp table aethermart_changed_keys holds them (a key whose digest differs, is
    new or is gone) and aethermart_key_digests every key's new digest; returns
    {'apply': true, 'changed_keys': n, 'all_keys': n, 'pass_keys': n, 'passes': n}. When the digests were computed but the
    table is to be rebuilt whole, {'apply': false}: the digests are recorded from the temp
    table, not computed twice. -#}
{% macro rebuild_by_key_plan(existing_relation, checked, keyed) %}
    {%- if existing_relation is none or existing_relation.type != 'table' or should_full_refresh()
        or flags.EMPTY or checked.static is none or not keyed.own -%}
        {{ return(none) }}
    {%- endif -%}
    {%- set key = sql_string(_model_fingerprint_key(this)) -%}
    {%- set static = sql_string(checked.static) -%}
    {% call statement('rebuild_by_key_recorded', fetch_result=True) -%}
        {{ model_key_digests_table_ddl() }};
        select
            count(*) filter (where static_fingerprint = {{ static }}),
            count(*) filter (where static_fingerprint != {{ static }})
        from ops.model_key_digests where relation = {{ key }}
    {%- endcall %}
    {%- set recorded = load_result('rebuild_by_key_recorded').table.rows[0] -%}
    {%- if recorded[0] == 0 -%}
        {{ log(model.name ~ ": " ~ ("its code, config, a keyed input's columns or a shared input changed" if recorded[1] > 0
            else "no key digests recorded") ~ ": rebuilt whole", info=true) }}
        {{ return(none) }}
    {%- endif -%}
    {#- the keys the inputs' logged changes name, when every change since the last write is logged:
        only their digests are computed (all recorded under one static fingerprint) -#}
    {%- set logged = _rebuild_by_key_logged_keys(keyed, checked.static) if recorded[1] == 0
        else {'why': 'key digests recorded under another fingerprint too'} -%}
    {%- if logged.sql is not defined -%}
        {{ log(model.name ~ ": " ~ logged.why ~ ": key digests computed from every input row", info=true) }}
    {%- endif -%}
    {%- set touched = "hash(key) in (select key from aethermart_touched_keys)" -%}
    {% call statement('rebuild_by_key_plan', fetch_result=True) -%}
        {%- if logged.sql is defined %}
        create or replace temp table aethermart_touched_keys as
        select distinct key from ({{ logged.sql }}) as logged(key);
        {%- endif %}
        create or replace temp table aethermart_key_digests as
        {{ _rebuild_by_key_digests(keyed.inputs, 'aethermart_touched_keys' if logged.sql is defined else none) }};
        {#- each row's hash by its key, from the one scan that checks the table's content: the
            rows a rebuild by key deletes are counted from it (_content_delta_sql) -#}
        create or replace temp table aethermart_table_row_hashes as
        select {{ adapter.quote(keyed.column) }} as key, hash(content_rows) as h from {{ existing_relation }} as content_rows;
        create or replace temp table aethermart_changed_keys as
        select coalesce(computed.key, recorded.key) as key
        from aethermart_key_digests as computed
        full outer join (
            select key, digest from ops.model_key_digests where relation = {{ key }}
            {%- if logged.sql is defined %} and {{ touched }}{% endif %}
        ) as recorded
            on computed.key is not distinct from recorded.key
        where computed.digest is distinct from recorded.digest;
        select
            (select count(*) from aethermart_changed_keys) as changed,
            (select count(*) from aethermart_key_digests)
            {%- if logged.sql is defined %} + (select count(*) from ops.model_key_digests
                where relation = {{ key }} and not {{ touched }}){% endif %} as keys,
            exists (
                select 1 from ops.model_fingerprints
                where relation = {{ key }}
                    -- the write the digests were recorded with, not a later one that recorded none
                    and invocation_id = (
                        select min(invocation_id) from ops.model_key_digests where relation = {{ key }}
                        having count(distinct invocation_id) = 1
                    )
                    and row_count = (select count(*) from {{ existing_relation }})
                    and content_hash = {{ _model_fingerprint_content(existing_relation,
                        counted_sql="select count(*) || ':' || coalesce(sum(h), 0) from aethermart_table_row_hashes") }}
            ) as as_recorded
    {%- endcall %}
    {%- set row = load_result('rebuild_by_key_plan').table.rows[0] -%}
    {%- set changed, keys, as_recorded = row[0], row[1], row[2] -%}
    {%- set buckets = config.get('buckets', 1) | int -%}
    {%- set pass_keys = [(keys + buckets - 1) // buckets, var('document_rebuild_pass_keys') | int, 1] | max -%}
    {%- set passes = (changed + pass_keys - 1) // pass_keys -%}
    {%- set max_passes = [1, buckets // 2] | max -%}
    {%- if not as_recorded -%}
        {{ log(model.name ~ ": content differs from what this project wrote with its key digests (changed "
            ~ "outside dbt, or by a build that recorded none): rebuilt whole", info=true) }}
        {{ return({'apply': false, 'logged': false}) }}
    {%- elif passes > max_passes -%}
        {{ log(model.name ~ ": inputs of " ~ changed ~ " of " ~ keys ~ " keys changed (a pass holds "
            ~ pass_keys ~ ", a rebuild by key runs at most " ~ max_passes ~ "): rebuilt whole", info=true) }}
        {{ return({'apply': false, 'logged': false}) }}
    {%- endif -%}
    {{ return({'apply': true, 'changed_keys': changed, 'all_keys': keys, 'pass_keys': pass_keys,
        'passes': [passes, 1] | max, 'logged': logged.sql is defined}) }}
{% endmacro %}
