{#- True for the rows a model with `rebuild_by_landed_file` and `appended_drops` is to compute:
    in a build that appends drops (rebuild_by_landed_file_apply sets the DuckDB variable
    `aethermart_appended_files__<model>`) the rows of those drops' files; in any other build (a
    whole build, a rebuild by key, dbt unit tests, `dbt show`, compiled SQL run by hand) every
    row. Put it on the input, next to in_rebuilt_keys: such a model checks each drop's rows
    alone (nothing in it reads another drop's rows but resolve_versions). The append inserts only
    the rows of those files, whatever this lets through. -#}
{% macro in_appended_drops() -%}
    {%- set variable = "'" ~ _appended_files_variable() ~ "'" -%}
    (
        getvariable({{ variable }}) is null
        or _source_file in (select unnest(getvariable({{ variable }})))
    )
{%- endmacro %}

{% macro _appended_files_variable() %}
    {#- one variable per model: a failed build that leaves it set cannot narrow another model -#}
    {{ return('aethermart_appended_files__' ~ model.name) }}
{% endmacro %}
