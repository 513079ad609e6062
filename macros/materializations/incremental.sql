{#- dbt-duckdb's `incremental` materialization (called as it is) with one addition: an
    incremental bronze model with nothing to read or forget - every listed file of its sources
    recorded with the same identity under the same fingerprint, no recorded file gone, no row
    without a recorded file (bronze_files_unchanged) - is kept as it is (bronze_files_keep).
    Without it, such a model still ran 15-45 statements (its forget and record hooks, an empty
    temporary table, an insert of no rows, the rejects models' scan set-up); with it a build
    with nothing new at scale 1 took 20.2 s instead of 21.3 s (docs/benchmarks.md). -#}
{% materialization incremental, adapter="duckdb", supported_languages=['sql', 'python'] %}
  {%- if bronze_files_unchanged() -%}
    {{ return(bronze_files_keep(this.incorporate(type='table'))) }}
  {%- endif -%}
  {{ return(dbt.materialization_incremental_duckdb()) }}
{% endmaterialization %}
