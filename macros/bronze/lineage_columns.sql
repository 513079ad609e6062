{#- The lineage columns every bronze model ends with: where a row came from and what it
    looked like when it landed. With `decoded` (text sources, after `record_numbering`):
    whether the record was decoded as Windows-1252 because its bytes are not UTF-8, and
    then its original bytes as hex. -#}
{% macro lineage_columns(source_system, load_date, row_number, hashed_columns, decoded=false) -%}
    '{{ source_system }}' as _source_system,
    filename as _source_file,
    {{ load_date }} as _load_date,
    {{ row_number }} as _source_row_number,
    {{ row_hash(hashed_columns) }} as _row_hash
    {%- if decoded %},
    _is_decoded_windows_1252,
    _raw_bytes_hex
    {%- endif %}
{%- endmacro %}
