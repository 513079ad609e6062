{#- `dbt clone` on DuckDB. dbt's default clone materialization never commits, and DuckDB
    rolls an uncommitted transaction back, so `dbt clone` reported success and left nothing;
    and with no zero-copy clone it would make views over the other file, which break when
    that file is not attached and cannot take an incremental run. Here a table of the
    state's warehouse is copied into a table of this one (create_or_replace_clone), in one
    committed transaction, so the clone stands alone and its incremental models build on;
    a view is re-created as the view it is. The state's warehouse must be attached:
    `dbt clone --target clone --state <artifacts>` with AETHERMART_STATE_DUCKDB set
    (profiles.yml). An existing relation is kept unless --full-refresh, as dbt does. -#}
{%- materialization clone, adapter='duckdb' -%}

    {%- set relations = {'relations': []} -%}
    {%- if not defer_relation -%}
        {{ log("No relation found in state manifest for " ~ model.unique_id, info=True) }}
        {{ return(relations) }}
    {%- endif -%}

    {%- set existing_relation = load_cached_relation(this) -%}
    {%- if existing_relation and not flags.FULL_REFRESH -%}
        {{ log("Relation " ~ existing_relation ~ " already exists", info=True) }}
        {{ return(relations) }}
    {%- endif -%}

    {%- set other_existing_relation = load_cached_relation(defer_relation) -%}
    {%- if other_existing_relation is none -%}
        {{ exceptions.raise_compiler_error(
            "dbt clone of " ~ model.name ~ ": " ~ defer_relation.render() ~ " of the state's manifest is not in "
            ~ "any attached warehouse; attach the state's warehouse: AETHERMART_STATE_DUCKDB=<its .duckdb file> "
            ~ "dbt clone --target clone --state <its target folder>") }}
    {%- endif -%}
    {%- if other_existing_relation.type != 'table' -%}
        {#- a view: re-created as dbt's view of the deferred relation (dbt's default clone) -#}
        {%- set search_name = "materialization_view_duckdb" if "materialization_view_duckdb" in context
            else "materialization_view_default" -%}
        {{ return(context[search_name]()) }}
    {%- endif -%}

    {%- set target_relation = this.incorporate(type='table') -%}
    {%- if target_relation.database == defer_relation.database
        and target_relation.schema == defer_relation.schema
        and target_relation.identifier == defer_relation.identifier -%}
        {{ exceptions.raise_compiler_error(
            "dbt clone of " ~ model.name ~ ": the state's warehouse and this one are both named "
            ~ target_relation.database ~ "; write the clone to a file of another name (AETHERMART_DUCKDB)") }}
    {%- endif -%}
    {%- if existing_relation is not none and not existing_relation.is_table -%}
        {{ drop_relation_if_exists(existing_relation) }}
    {%- endif -%}
    {% call statement('main') -%}
        {{ create_or_replace_clone(target_relation, defer_relation) }}
    {%- endcall %}
    {{ adapter.commit() }}
    {% do persist_docs(target_relation, model) %}
    {{ return({'relations': [target_relation]}) }}

{%- endmaterialization -%}
