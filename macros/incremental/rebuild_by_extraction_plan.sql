{#- Whether a `table` model with `rebuild_by_extraction` (spec from rebuild_by_extraction_inputs)
    can rebuild only the rows of the keys that the extractions since its last build touched,
    and which keys: none (build whole, record) unless
      * the table exists, no --full-refresh, no --empty, the input, the list of extractions and
        the parents are this target's own relations;
      * its last build recorded what it read (ops.extraction_builds), under the same static
        fingerprint (_rebuild_by_extraction_static: code less the replaced key ranges, config,
        versions, the input's columns, the other refs' content);
      * the table's latest snapshot extraction is still the latest (a new snapshot supersedes
        every older row), and no delta since it replaced ranges of a key other than the
        declared one (current_extraction then stops the build, which a full build does);
      * the extractions that build read are read the same now (_rebuild_by_extraction_history:
        no file of theirs changed, removed or landed late, no entry of the list changed);
      * the table still holds what that build wrote (row count, content, invocation);
      * at most var `merge_changed_rows_max_share` (0.2) of the table's rows are rebuilt.
    The keys: those of the bronze rows of the extractions since, those a delta since replaced
    (their current rows may be gone), and those of the bronze rows since the latest snapshot
    whose parent key (the input's column of the parent's name, as text) changed usability (a
    parent_quarantined or orphan_fk row that is no longer one, or the reverse); rows without a
    key are always rebuilt. Then the temp table
    aethermart_extraction_keys holds them, aethermart_parent_states the parents' keys now,
    and it returns {'apply': true, 'touched': n, 'rows': n, 'idle': whether nothing landed for the
    table and no parent key changed, so nothing is to be rewritten}; {'apply': false} when the
    table is to be built whole but the parents' keys are in that temp table already. -#}
{% macro rebuild_by_extraction_plan(existing_relation, spec) %}
    {%- if existing_relation is none or existing_relation.type != 'table' or should_full_refresh()
        or flags.EMPTY or not spec.own -%}
        {{ return(none) }}
    {%- endif -%}
    {%- set key = sql_string(_model_fingerprint_key(this)) -%}
    {%- set states = _rebuild_by_extraction_states(this) -%}
    {% call statement('rebuild_by_extraction_recorded', fetch_result=True) -%}
        {{ extraction_builds_table_ddl() }};
        select
            static_fingerprint = {{ _rebuild_by_extraction_static(spec) }} as same_static,
            latest_snapshot, last_extraction, history, invocation_id
        from ops.extraction_builds where relation = {{ key }}
    {%- endcall %}
    {%- set recorded = load_result('rebuild_by_extraction_recorded').table.rows -%}
    {%- if recorded | length != 1 or load_relation(states) is none -%}
        {{ log(model.name ~ ": no record of the extractions its table was built from: built whole", info=true) }}
        {{ return(none) }}
    {%- endif -%}
    {%- set same_static, snapshot, last, history, invocation = recorded[0] -%}
    {%- if not same_static -%}
        {{ log(model.name ~ ": its code, config, versions, its input's columns or another input changed: built whole", info=true) }}
        {{ return(none) }}
    {%- endif -%}
    {%- set table = sql_string(spec.table) -%}
    {%- set extractions = spec.reads[spec.extractions] -%}
    {%- set extract_key = sql_string(spec.extract_key) if spec.extract_key else 'null' -%}
    {% call statement('rebuild_by_extraction_check', fetch_result=True) -%}
        select
            (
                select coalesce(max(extraction_id), '') from {{ extractions }}
                where table_name = {{ table }} and extraction_mode = 'snapshot'
            ) = {{ sql_string(snapshot) }} as same_snapshot,
            exists (
                select 1 from {{ extractions }}
                where table_name = {{ table }} and extraction_mode = 'delta'
                    and extraction_id > {{ sql_string(snapshot) }} and replaced_key is distinct from {{ extract_key }}
            ) as foreign_delta,
            {{ _rebuild_by_extraction_history(spec, sql_string(snapshot), sql_string(last)) }}
                = {{ sql_string(history) }} as same_history,
            exists (
                select 1 from ops.model_fingerprints
                where relation = {{ key }} and invocation_id = {{ sql_string(invocation) }}
                    and row_count = (select count(*) from {{ existing_relation }})
                    and content_hash = {{ _model_fingerprint_content(existing_relation) }}
            ) as as_recorded
    {%- endcall %}
    {%- set same_snapshot, foreign_delta, same_history, as_recorded = load_result('rebuild_by_extraction_check').table.rows[0] -%}
    {%- set why = "a new snapshot extraction of " ~ spec.table if not same_snapshot
        else "a delta replaced ranges of another key" if foreign_delta
        else "an extraction it read is read differently now (a file changed, removed or landed late)" if not same_history
        else "content differs from what this project wrote with its extraction record (changed outside dbt, "
            ~ "or by a build that recorded none)" if not as_recorded
        else none -%}
    {%- if why -%}
        {{ log(model.name ~ ": " ~ why ~ ": built whole", info=true) }}
        {{ return(none) }}
    {%- endif -%}
    {%- set column = adapter.quote(spec.key) -%}
    {%- set input = spec.reads[spec.input] -%}
    {%- set touched = ["select cast(" ~ column ~ " as varchar) as key from " ~ input ~ " where _extraction_id > " ~ sql_string(last)] -%}
    {%- if spec.extract_key -%}
        {%- set ranged = adapter.quote(spec.extract_key) -%}
        {%- do touched.append("select cast(history_rows." ~ column ~ " as varchar) from " ~ input ~ " as history_rows"
            ~ " inner join (select unnest(replaced_key_ranges) as replaced from " ~ extractions ~ " where table_name = "
            ~ table ~ " and extraction_mode = 'delta' and extraction_id > " ~ sql_string(last) ~ ") as deltas"
            ~ " on history_rows." ~ ranged ~ " >= deltas.replaced.lo and history_rows." ~ ranged ~ " < deltas.replaced.hi"
            ~ " where history_rows._extraction_id >= " ~ sql_string(snapshot)
            ~ " and history_rows._extraction_id <= " ~ sql_string(last)) -%}
    {%- endif -%}
    {%- for unique_id, parent_column in spec.parents.items() | sort -%}
        {%- do touched.append("select cast(" ~ column ~ " as varchar) from " ~ input ~ " where _extraction_id >= "
            ~ sql_string(snapshot) ~ " and cast(" ~ adapter.quote(parent_column) ~ " as varchar) in (select key from "
            ~ "changed_parents where parent = " ~ sql_string(unique_id) ~ ")") -%}
    {%- endfor -%}
    {% call statement('rebuild_by_extraction_plan', fetch_result=True) -%}
        {{ _changed_parents_sql(spec, states) }};
        create or replace temp table aethermart_extraction_keys as
        with changed_parents as (select * from aethermart_changed_parents)
        select distinct key from ({{ touched | join("\n union all ") }}) as touched where key is not null;
        select
            (select count(*) from aethermart_extraction_keys),
            (select count(*) from {{ existing_relation }}),
            -- nothing landed for this table and no parent key changed: the rows (those without
            -- a key too) are what a rebuild would give
            not exists (select 1 from {{ input }} where _extraction_id > {{ sql_string(last) }})
            and not exists (
                select 1 from {{ extractions }} where table_name = {{ table }} and extraction_id > {{ sql_string(last) }}
            )
            and not exists (select 1 from aethermart_changed_parents)
    {%- endcall %}
    {%- set keys, rows, idle = load_result('rebuild_by_extraction_plan').table.rows[0] -%}
    {%- if idle -%}
        {{ return({'apply': true, 'touched': 0, 'rows': rows, 'idle': true}) }}
    {%- endif -%}
    {%- set share = merge_changed_rows_max_share() -%}
    {%- if keys > rows * share -%}
        {{ log(model.name ~ ": extractions since its last build touched " ~ keys ~ " keys of its " ~ rows
            ~ " rows (more than " ~ share ~ "): built whole", info=true) }}
        {{ return({'apply': false}) }}
    {%- endif -%}
    {{ return({'apply': true, 'touched': keys, 'rows': rows, 'idle': false}) }}
{% endmacro %}
