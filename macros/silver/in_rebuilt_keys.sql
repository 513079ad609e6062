{#- True for the rows a model with `rebuild_by_landed_file` is to compute: in a rebuild of some
    keys (rebuild_by_landed_file_apply sets the DuckDB variable `aethermart_rebuilt_keys__<model>`)
    the rows whose key is one of them or NULL; in any other build (a whole build, dbt unit tests,
    `dbt show`, compiled SQL run by hand) every row. Put it where the key is known and before
    anything that reads other keys' rows: a window or aggregate over a whole file (or over all
    rows) must read the unfiltered input. The rebuild inserts only the rows of the keys it
    rebuilds, whatever this lets through. -#}
{% macro in_rebuilt_keys(column) -%}
    {%- set variable = "'" ~ _rebuilt_keys_variable() ~ "'" -%}
    (
        getvariable({{ variable }}) is null
        or {{ column }} is null
        or {{ column }} in (select unnest(getvariable({{ variable }})))
    )
{%- endmacro %}

{% macro _rebuilt_keys_variable() %}
    {#- one variable per model: a failed rebuild that leaves it set cannot narrow another model -#}
    {{ return('aethermart_rebuilt_keys__' ~ model.name) }}
{% endmacro %}
