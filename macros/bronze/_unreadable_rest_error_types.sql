{% macro _unreadable_rest_error_types() %}
    {#- reject types after which the reader cannot tell where the next records start -#}
    {{ return('UNQUOTED VALUE|INVALID STATE|LINE SIZE OVER MAXIMUM') }}
{% endmacro %}
