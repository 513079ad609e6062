{#- `dbt show` of a rejects model: dbt runs no hooks under `show`, so the scan the model
    reads (its pre-hook, collect_csv_rejects: temp tables of this connection only) runs
    here, while the model compiles, in the connection that then runs the preview. Nothing
    persistent is written. A no-op under every other command. -#}
{% macro csv_rejects_when_shown(source_name) %}
    {%- if execute and flags.WHICH == 'show' -%}
        {%- do run_query(collect_csv_rejects(source_name)) -%}
    {%- endif -%}
{% endmacro %}
