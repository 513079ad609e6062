{#- dbt-duckdb's `incremental` materialization (called as it is) with one addition: an
    incremental bronze model with nothing to read or forget - every listed file of its sources
    recorded with the same identity under the same fingerprint, no recorded file gone
    (bronze_files_unchanged) - is kept as it is (bronze_files_keep). Without it, such a build
    still ran ~15-45 statements per model (its forget and record hooks, an empty temporary
    table, an insert of no rows, the rejects models' per-source scans set-up): ~5 of the ~13
    node seconds of a build with nothing new at scale 1 (docs/benchmarks.md). -#}
{% materialization incremental, adapter="duckdb", supported_languages=['sql', 'python'] %}
  {%- if bronze_files_unchanged() -%}
    {{ return(bronze_files_keep(this.incorporate(type='table'))) }}
  {%- endif -%}
  {{ return(dbt.materialization_incremental_duckdb()) }}
{% endmaterialization %}
