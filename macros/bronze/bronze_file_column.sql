{% macro bronze_file_column() %}
    {#- the column of a bronze model that names a row's landed file -#}
    {{ return('file_path' if model.name.endswith('__counted_files') else '_source_file') }}
{% endmacro %}
