{#- 1-based position of a row among the rows parsed from its file, for a scan read
    `with ordinality` (DuckDB keeps file order). Lines rejected by the CSV reader are not
    counted here; their line numbers are in the *_csv_rejects models. -#}
{% macro file_row_number(ordinal='ordinality', file='filename') -%}
    {{ ordinal }} - min({{ ordinal }}) over (partition by {{ file }}) + 1
{%- endmacro %}
