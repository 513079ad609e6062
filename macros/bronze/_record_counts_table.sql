{% macro _record_counts_table(source_name) %}
    {{ return('brz_record_counts_' ~ source_name) }}
{% endmacro %}
