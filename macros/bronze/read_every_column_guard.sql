{#- A filter that is always true but reads every landed column. DuckDB validates a CSV
    field (UTF-8, field count) only when the field is read, so without it a query that
    selects a few columns (or count(*)) would see lines that `select *` rejects. With it,
    every query of a bronze view sees the same rows, and the rejects are complete. -#}
{% macro read_every_column_guard() -%}
    where _row_hash is not null
{%- endmacro %}
