{#- Whether a `table` model with `rebuild_by_landed_file` (spec from rebuild_by_landed_file_inputs)
    can rebuild only the rows of the keys that the files landed, changed or removed since its
    last build touched, and which keys: none (build whole, record) unless
      * the table exists, no --full-refresh, no --empty, the input and the parents are this
        target's own relations;
      * its last build recorded what it read (ops.landed_file_builds), under the same static
        fingerprint (_rebuild_by_extraction_static: code, config, versions, the input's
        columns, the other refs' content);
      * the table still holds what that build wrote (row count, content, invocation);
      * at most var `merge_changed_rows_max_share` (0.2) of the table's rows are to be deleted
        and computed again (the rows of the keys below and the rows without a key).
    The keys: those of the input's rows in every file whose digest (_landed_file_digests) differs
    from the recorded one (new and changed files), those of the table's rows from such files
    (changed and removed files), and those of the table's rows whose parent key (the model's
    column of the parent's name, as text) changed usability (a parent_quarantined or orphan_fk
    row that is no longer one, or the reverse); rows without a key are always rebuilt. Then
    the temp table aethermart_landed_keys holds them, aethermart_landed_files the files' digests
    now and aethermart_parent_states the parents' keys now, and it returns {'apply': true,
    'why': what changed and how many keys and rows are rebuilt, 'idle': whether no file changed
    and no parent key changed, so nothing is to be rewritten}; {'apply': false} when the table
    is to be built whole but the digests and parents' keys are in those temp tables already.
    With `appended_drops` (rebuild_by_landed_file_inputs), when no parent key changed and every
    changed file is new, with rows all dated (`_load_date`) later than every row the table holds
    (which are all dated), it returns {'apply': true, 'append': true, 'why', 'idle': false}
    instead: those files' rows are computed alone and appended, whatever their share of the
    table (rebuild_by_landed_file_apply). -#}
{% macro rebuild_by_landed_file_plan(existing_relation, spec) %}
    {%- if existing_relation is none or existing_relation.type != 'table' or should_full_refresh()
        or flags.EMPTY or not spec.own -%}
        {{ return(none) }}
    {%- endif -%}
    {%- set key = sql_string(_model_fingerprint_key(this)) -%}
    {%- set files = _landed_file_build_files(this) -%}
    {%- set states = _landed_file_build_parents(this) -%}
    {% call statement('rebuild_by_landed_file_recorded', fetch_result=True) -%}
        {{ landed_file_builds_table_ddl() }};
        select
            static_fingerprint = {{ _rebuild_by_extraction_static(spec) }} as same_static,
            invocation_id,
            exists (
                select 1 from ops.model_fingerprints as recorded
                where recorded.relation = {{ key }} and recorded.invocation_id = builds.invocation_id
                    and recorded.row_count = (select count(*) from {{ existing_relation }})
                    and recorded.content_hash = {{ _model_fingerprint_content(existing_relation) }}
            ) as as_recorded
        from ops.landed_file_builds as builds where relation = {{ key }}
    {%- endcall %}
    {%- set recorded = load_result('rebuild_by_landed_file_recorded').table.rows -%}
    {%- if recorded | length != 1 or load_relation(files) is none or load_relation(states) is none -%}
        {{ log(model.name ~ ": no record of the landed files its table was built from: built whole", info=true) }}
        {{ return(none) }}
    {%- endif -%}
    {%- set same_static, invocation, as_recorded = recorded[0] -%}
    {%- set why = "its code, config, versions, its input's columns or another input changed" if not same_static
        else "content differs from what this project wrote with its landed-file record (changed outside dbt, "
            ~ "or by a build that recorded none)" if not as_recorded
        else none -%}
    {%- if why -%}
        {{ log(model.name ~ ": " ~ why ~ ": built whole", info=true) }}
        {{ return(none) }}
    {%- endif -%}
    {%- set column = adapter.quote(spec.key) -%}
    {%- set input = spec.reads[spec.input] -%}
    {%- set touched = [
        "select cast(" ~ spec.input_key ~ " as varchar) as key from " ~ input
            ~ " where _source_file in (select source_file from changed_files)",
        "select cast(" ~ column ~ " as varchar) from " ~ existing_relation
            ~ " where _source_file in (select source_file from changed_files)",
    ] -%}
    {%- for unique_id, parent_column in spec.parents.items() | sort -%}
        {%- do touched.append("select cast(" ~ column ~ " as varchar) from " ~ existing_relation ~ " where cast("
            ~ adapter.quote(parent_column) ~ " as varchar) in (select key from changed_parents where parent = "
            ~ sql_string(unique_id) ~ ")") -%}
    {%- endfor -%}
    {% call statement('rebuild_by_landed_file_changes') -%}
        create or replace temp table aethermart_landed_files as {{ _landed_file_digests(spec) }};
        create or replace temp table aethermart_changed_files as
        select coalesce(now.source_file, was.source_file) as source_file, was.source_file is null as is_new
        from aethermart_landed_files as now
        full outer join {{ files }} as was on now.source_file = was.source_file
        where now.digest is distinct from was.digest;
        {{ _changed_parents_sql(spec, states) }}
    {%- endcall %}
    {%- if spec.appended_drops -%}
        {%- set appended = _appended_drops_plan(existing_relation, input) -%}
        {%- if appended -%}
            {{ return(appended) }}
        {%- endif -%}
    {%- endif -%}
    {% call statement('rebuild_by_landed_file_plan', fetch_result=True) -%}
        create or replace temp table aethermart_landed_keys as
        with
            changed_files as (select * from aethermart_changed_files),
            changed_parents as (select * from aethermart_changed_parents)
        select distinct key from ({{ touched | join("\n union all ") }}) as touched where key is not null;
        select
            (select count(*) from aethermart_landed_keys),
            (select count(*) from aethermart_changed_files),
            (select count(*) from aethermart_changed_parents),
            (
                select count(*) from {{ existing_relation }}
                where {{ column }} is null or {{ column }} in (select key from aethermart_landed_keys)
            ),
            (select count(*) from {{ existing_relation }}),
            not exists (select 1 from aethermart_changed_files) and not exists (select 1 from aethermart_changed_parents)
    {%- endcall %}
    {%- set keys, changed_files, changed_parents, touched_rows, rows, idle = load_result('rebuild_by_landed_file_plan').table.rows[0] -%}
    {%- if idle -%}
        {{ return({'apply': true, 'idle': true}) }}
    {%- endif -%}
    {%- set why = changed_files ~ " landed files and " ~ changed_parents ~ " parent keys changed since its last build: "
        ~ keys ~ " keys to rebuild, " ~ touched_rows ~ " of its " ~ rows ~ " rows" -%}
    {%- set share = merge_changed_rows_max_share() -%}
    {%- if touched_rows > rows * share -%}
        {{ log(model.name ~ ": " ~ why ~ " (more than " ~ share ~ "): built whole", info=true) }}
        {{ return({'apply': false}) }}
    {%- endif -%}
    {{ return({'apply': true, 'why': why, 'idle': false}) }}
{% endmacro %}

{#- rebuild_by_landed_file_plan's plan for a model with `appended_drops` when the changes since its
    last build are only files appended at the end (see there), else none: no parent key
    changed, every changed file is new, its rows and the table's are all dated, and the new
    rows' earliest date is later than the table's latest. When files changed but one of these
    does not hold, the log says which. -#}
{% macro _appended_drops_plan(existing_relation, input) %}
    {% call statement('rebuild_by_landed_file_appended', fetch_result=True) -%}
        with
            new_rows as (
                select _load_date from {{ input }}
                where _source_file in (select source_file from aethermart_changed_files)
            ),
            held_rows as (select _load_date from {{ existing_relation }})
        select
            (select count(*) from aethermart_changed_files),
            (select count(*) from aethermart_changed_parents),
            (select count(*) from aethermart_changed_files where not is_new),
            (select count(*) from new_rows),
            (select count(*) from new_rows where _load_date is null),
            (select min(_load_date) from new_rows),
            (select count(*) from held_rows where _load_date is null),
            (select max(_load_date) from held_rows),
            (select min(_load_date) from new_rows) > (select max(_load_date) from held_rows)
    {%- endcall %}
    {%- set files, parents, not_new, new_rows, new_undated, first_new, held_undated, last_held, later
        = load_result('rebuild_by_landed_file_appended').table.rows[0] -%}
    {%- set not_appended = none if files == 0
        else parents ~ " parent keys changed" if parents > 0
        else not_new ~ " of the " ~ files ~ " changed files were held before (changed or removed)" if not_new > 0
        else new_undated ~ " new rows have no load date" if new_undated > 0
        else held_undated ~ " rows it holds have no load date" if held_undated > 0
        else "the new rows are dated from " ~ first_new ~ ", not after its latest " ~ last_held
            if last_held is not none and not later
        else none -%}
    {%- if files == 0 or not_appended -%}
        {%- if not_appended -%}
            {{ log(model.name ~ ": not appended (" ~ not_appended ~ "): rebuilt by key or whole", info=true) }}
        {%- endif -%}
        {{ return(none) }}
    {%- endif -%}
    {{ return({'apply': true, 'append': true, 'idle': false,
        'why': files ~ " landed files appended after every row it holds (" ~ new_rows ~ " rows dated from "
            ~ first_new ~ ", its latest " ~ last_held ~ ")"}) }}
{% endmacro %}
