{% macro source_enabled(source_name) %}
    {{ return(source_system_of(source_name) in enabled_sources()) }}
{% endmacro %}
