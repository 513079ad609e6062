{#- Pre-hook of the snapshots: a snapshot keeps history, so a build that switches a source
    system off (var enabled_sources) must not run it over a history recorded with that
    system on - every customer and product the system fed would get a closing version
    (`dbt_is_deleted`) and every shared customer a new one. Stops the snapshot with one line
    naming the systems; the other nodes build. The systems that recorded the history are
    those of the newest invocation in which this snapshot succeeded (ops build record). -#}
{% macro assert_snapshot_sources() %}
    {%- if not execute -%}{{ return('') }}{%- endif -%}
    {%- set recorded = adapter.get_relation(database=this.database, schema='ops', identifier='dbt_node_results') -%}
    {%- if recorded is none -%}{{ return('') }}{%- endif -%}
    {%- set rows = run_query(
        "select invocations.enabled_sources from ops.dbt_node_results as results "
        ~ "inner join ops.dbt_invocations as invocations using (invocation_id) "
        ~ "where results.unique_id = " ~ sql_string(model.unique_id) ~ " and results.status = 'success' "
        ~ "and invocations.enabled_sources is not null "
        ~ "order by invocations.started_at desc limit 1").rows -%}
    {%- if rows | length == 0 -%}{{ return('') }}{%- endif -%}
    {%- set before = rows[0][0].split(',') | reject('equalto', '') | list -%}
    {%- set now = enabled_sources() -%}
    {%- set off = before | reject('in', now) | list -%}
    {%- if off -%}
        {{ exceptions.raise_compiler_error(
            "Snapshot " ~ model.name ~ " holds history recorded with source system(s) " ~ before | join(', ')
            ~ "; this build switches off " ~ off | join(', ') ~ " (var enabled_sources), which would close the "
            ~ "history of every record they fed. Build with " ~ before | join(', ')
            ~ " enabled, or into another warehouse (AETHERMART_DUCKDB) for a partial build.") }}
    {%- endif -%}
    {{ return('') }}
{% endmacro %}
