{% macro _bronze_singular_test_is_file_local(test_node) %}
    {#- a singular data test (no generic test behind it) whose config says meta file_local: true -#}
    {%- set meta = test_node.config.get('meta') or {} if test_node.config is mapping else test_node.config.meta or {} -%}
    {{ return(test_node.resource_type == 'test' and not test_node.test_metadata and meta.get('file_local') is sameas true) }}
{% endmacro %}
