{#- dbt-duckdb's `table` materialization (dbt-duckdb 1.11.1, copied) with one addition: a
    table whose inputs did not change since it was written is kept, not rebuilt. Before
    building, the model's input fingerprint (macro model_fingerprint: compiled SQL, config,
    contract, PII salt fingerprint, the state of every relation it reads) is compared with
    the one recorded in ops.model_fingerprints when the table was written; equal (and the
    table still holds the recorded rows, no --full-refresh) -> the table is kept ("unchanged
    inputs: kept") and dbt reports success. A model with `merge_changed_rows_by` (a key) gets
    only its changed keys' rows deleted and inserted when it can (macro merge_changed_rows).
    Otherwise the table is built as dbt-duckdb builds it and its fingerprint recorded in the
    same transaction. A model with `rebuild_by_extraction` (a MariaDB table's checked rows) or
    `rebuild_by_landed_file` (a landed entity's checked rows) rebuilds only the rows of the keys
    new data touched when it can (rebuild_by_extraction_plan, rebuild_by_landed_file_plan).
    With config `input_columns` ({ref name: [columns]}: input_columns_declared)
    the table is built from the SQL with those inputs narrowed to the listed columns, and a
    change to their other columns keeps it. -#}
{% materialization table, adapter="duckdb", supported_languages=['sql', 'python'] %}

  {%- set language = model['language'] -%}

  {%- set existing_relation = load_cached_relation(this) -%}
  {%- set target_relation = this.incorporate(type='table') %}
  {%- if language != 'sql' and config.get('input_columns') -%}
    {{ exceptions.raise_compiler_error(model.name ~ ": config input_columns is for SQL models") }}
  {%- endif -%}
  {%- set narrowed = input_columns_declared() if language == 'sql' else {'columns': {}} -%}
  {%- set scope = merge_scope_inputs() if language == 'sql' else none -%}
  {%- if scope is not none and narrowed.columns -%}
    {{ exceptions.raise_compiler_error(model.name ~ ": configs input_columns and merge_scope do not go together") }}
  {%- endif -%}
  {%- set checked = model_fingerprint(existing_relation, keyed=scope, narrowed=narrowed) -%}
  {%- if checked.kept -%}
    {{ return(model_fingerprint_keep(target_relation)) }}
  {%- endif -%}
  {%- set by_extraction = rebuild_by_extraction_inputs() if language == 'sql' else none -%}
  {%- set by_landed_file = rebuild_by_landed_file_inputs() if language == 'sql' else none -%}
  {%- if [narrowed.columns, by_extraction, by_landed_file, scope] | select | list | length > 1 -%}
    {{ exceptions.raise_compiler_error(model.name ~ ": configs input_columns, rebuild_by_extraction, "
        ~ "rebuild_by_landed_file and merge_scope do not go together (one of them at most)") }}
  {%- endif -%}
  {#- the SQL built from: with config input_columns, those inputs narrowed to their listed
      columns; with rebuild_by_extraction or rebuild_by_landed_file, its parents narrowed to
      their keys' usability -#}
  {%- set by_key = by_extraction if by_extraction is not none else by_landed_file -%}
  {%- set code = narrowed_inputs_code(narrowed.columns, narrowed.reads, 'input_columns') if narrowed.columns
      else _rebuild_by_extraction_code(by_key) if by_key is not none
      else compiled_code -%}
  {%- if narrowed.columns -%}{% do narrowed_inputs_check(code, 'input_columns') %}{%- endif -%}
  {%- if by_key is not none -%}
    {% do narrowed_inputs_check(code, ('rebuild_by_extraction' if by_extraction is not none else 'rebuild_by_landed_file')
        ~ ' parents') %}
  {%- endif -%}
  {#- only extractions since the last build: rebuild the rows of the keys they touched, in place -#}
  {%- set extraction_plan = rebuild_by_extraction_plan(existing_relation, by_extraction) if by_extraction is not none else none -%}
  {%- if extraction_plan and extraction_plan.apply -%}
    {{ return(rebuild_by_extraction_apply(target_relation, checked, by_extraction, extraction_plan)) }}
  {%- endif -%}
  {#- only files landed, changed or removed since the last build: rebuild the rows of the keys they touched, in place -#}
  {%- set landed_file_plan = rebuild_by_landed_file_plan(existing_relation, by_landed_file) if by_landed_file is not none else none -%}
  {%- if landed_file_plan and landed_file_plan.apply -%}
    {{ return(rebuild_by_landed_file_apply(target_relation, checked, by_landed_file, landed_file_plan, code)) }}
  {%- endif -%}
  {%- if merge_changed_rows(existing_relation, target_relation, code, scope, checked.static) is not none -%}
    {#- only the changed keys' rows were deleted and inserted, in this transaction -#}
    {% do model_fingerprint_record(checked.fingerprint, target_relation, _content_delta_counted(target_relation)) %}
    {% if scope is not none %}{% do merge_scope_record(scope, checked.static) %}{% endif %}
    {% do persist_docs(target_relation, model) %}
    {{ adapter.commit() }}
    {{ return({'relations': [target_relation]}) }}
  {%- endif -%}
  {%- set intermediate_relation =  make_intermediate_relation(target_relation) -%}
  -- the intermediate_relation should not already exist in the database; get_relation
  -- will return None in that case. Otherwise, we get a relation that we can drop
  -- later, before we try to use this name for the current operation
  {%- set preexisting_intermediate_relation = load_cached_relation(intermediate_relation) -%}
  /*
      See ../view/view.sql for more information about this relation.
  */
  {%- set backup_relation_type = 'table' if existing_relation is none else existing_relation.type -%}
  {%- set backup_relation = make_backup_relation(target_relation, backup_relation_type) -%}
  -- as above, the backup_relation should not already exist
  {%- set preexisting_backup_relation = load_cached_relation(backup_relation) -%}
  {%- set use_ducklake_table_workarounds = adapter.use_ducklake_table_workarounds(target_relation) -%}
  {%- set build_in_place = has_foreign_key_constraints(existing_relation) -%}
  {%- set dropped_dependents = [] -%}
  -- grab current tables grants config for comparision later on
  {% set grant_config = config.get('grants') %}

  -- drop the temp relations if they exist already in the database
  {{ drop_relation_if_exists(preexisting_intermediate_relation) }}
  {{ drop_relation_if_exists(preexisting_backup_relation) }}

  {{ run_hooks(pre_hooks, inside_transaction=False) }}

  -- `BEGIN` happens here:
  {{ run_hooks(pre_hooks, inside_transaction=True) }}
  {%- set partitioned_by = duckdb__get_partitioned_by(target_relation, false) -%}
  {%- set sorted_by = duckdb__get_sorted_by(target_relation, false) -%}

  {% if build_in_place %}
    {#-- Tables with foreign keys must not be renamed (see has_foreign_key_constraints),
         so replace the existing relation inside this transaction instead of swapping --#}
    {% if existing_relation is not none %}
      {% set dropped_dependents = drop_relation_for_rebuild(existing_relation) %}
    {% endif %}
    {% call statement('main', language=language) -%}
      {{- create_table_as(False, target_relation, code, language, partitioned_by=partitioned_by, sorted_by=sorted_by) }}
    {%- endcall %}
    {% do restore_foreign_key_dependents(dropped_dependents) %}
  {% else %}
    -- build model
    {% call statement('main', language=language) -%}
      {{- create_table_as(False, intermediate_relation, code, language, partitioned_by=partitioned_by, sorted_by=sorted_by) }}
    {%- endcall %}

    -- cleanup
    {% if existing_relation is not none %}
        {#-- Drop indexes and foreign key dependents before renaming to avoid dependency errors --#}
        {% do drop_indexes_on_relation(existing_relation) %}
        {% if existing_relation.is_table and may_be_foreign_key_target(existing_relation) %}
          {% set dropped_dependents = drop_foreign_key_dependents(existing_relation) %}
        {% endif %}
        {{ adapter.rename_relation(existing_relation, backup_relation) }}
    {% endif %}

    {{ adapter.rename_relation(intermediate_relation, target_relation) }}
    {% do restore_foreign_key_dependents(dropped_dependents) %}
  {% endif %}

  {% do create_indexes(target_relation) %}

  {{ run_hooks(post_hooks, inside_transaction=True) }}

  -- the table's input fingerprint, in the transaction that wrote the table
  {% do model_fingerprint_record(checked.fingerprint, target_relation) %}
  {% if scope is not none %}{% do merge_scope_record(scope, checked.static) %}{% endif %}
  {% if by_extraction is not none %}{% do rebuild_by_extraction_record(by_extraction, extraction_plan is not none) %}{% endif %}
  {% if by_landed_file is not none %}{% do rebuild_by_landed_file_record(by_landed_file, landed_file_plan is not none) %}{% endif %}

  {% set should_revoke = should_revoke(existing_relation, full_refresh_mode=True) %}
  {% do apply_grants(target_relation, grant_config, should_revoke=should_revoke) %}
  {% if not use_ducklake_table_workarounds %}
    {% do persist_docs(target_relation, model) %}
  {% endif %}

  -- `COMMIT` happens here
  {{ adapter.commit() }}

  {% if use_ducklake_table_workarounds %}
    {# Before DuckDB 1.5.3, DuckLake could lose table ALTER metadata during rename. #}
    {% if partitioned_by %}
      {% call statement('reassert_partitioned_by', auto_begin=False) -%}
        {{ duckdb__alter_table_set_partitioned_by(target_relation, partitioned_by) }}
      {%- endcall %}
    {% endif %}
    {% if sorted_by %}
      {% call statement('reassert_sorted_by', auto_begin=False) -%}
        {{ duckdb__alter_table_set_sorted_by(target_relation, sorted_by) }}
      {%- endcall %}
    {% endif %}
    {# Pre-1.5.3 DuckLake versions can conflict when comments are persisted in the transaction. #}
    {% do persist_docs(target_relation, model) %}
  {% endif %}

  -- finally, drop the existing/backup relation after the commit
  {{ drop_relation_if_exists(backup_relation) }}

  {{ run_hooks(post_hooks, inside_transaction=False) }}

  {{ return({'relations': [target_relation]}) }}
{% endmaterialization %}
