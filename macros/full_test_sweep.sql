{% macro full_test_sweep() %}
    {#- true with --vars '{full_test_sweep: true}' (what CI runs): every data test runs on every
        row (no file scope on incremental bronze tables, bronze_test_scope; no earlier pass
        taken, data_test_passed_before) and every unit test runs (unit_test_passed_before) -#}
    {{ return(var('full_test_sweep', false) | string | lower in ('true', '1', 'yes')) }}
{% endmacro %}
