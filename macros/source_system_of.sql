{% macro source_system_of(source_name) %}
    {#- the source system a dbt source belongs to (the manifests come with the extractions) -#}
    {{ return({'mariadb_extractions': 'mariadb'}.get(source_name, source_name)) }}
{% endmacro %}
