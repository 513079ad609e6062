{% macro csv_source_tables(source_name) %}
    {#- the tables of a source read as text lines, and the model holding their rejects -#}
    {%- set sources = {
        'pos': {
            'tables': ['product', 'city', 'customer', 'order', 'orderline'],
            'rejects_model': 'brz_pos__csv_rejects',
            'counted_files_model': 'brz_pos__counted_files',
            'blank_lines_are_records': false,
            'partition_column': 'load_date',
        },
        'events': {
            'tables': ['events'],
            'rejects_model': 'brz_events__line_rejects',
            'counted_files_model': 'brz_events__counted_files',
            'blank_lines_are_records': true,
            'partition_column': 'date',
        },
    } -%}
    {{ return(sources[source_name]) }}
{% endmacro %}
