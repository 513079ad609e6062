{% macro full_test_sweep() %}
    {#- true with --vars '{full_test_sweep: true}' (what CI runs): every data test on an
        incremental bronze table reads every row (no file scope, bronze_test_scope) -#}
    {{ return(var('full_test_sweep', false) | string | lower in ('true', '1', 'yes')) }}
{% endmacro %}
