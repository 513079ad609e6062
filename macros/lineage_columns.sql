{#- The lineage columns every bronze model ends with: where a row came from and what it
    looked like when it landed. -#}
{% macro lineage_columns(source_system, load_date, row_number, hashed_columns) -%}
    '{{ source_system }}' as _source_system,
    filename as _source_file,
    {{ load_date }} as _load_date,
    {{ row_number }} as _source_row_number,
    {{ row_hash(hashed_columns) }} as _row_hash
{%- endmacro %}
