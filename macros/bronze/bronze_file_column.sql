{% macro bronze_file_column(model_name=none) %}
    {#- the column of a bronze model (the one being run, or `model_name`) that names a row's
        landed file -#}
    {%- set name = model_name or model.name -%}
    {{ return('file_path' if name.endswith('__counted_files') else '_source_file') }}
{% endmacro %}
