{% macro full_test_sweep() %}
    {#- true with --vars '{full_test_sweep: true}' (what CI runs): every data test reads every
        row (no file scope on incremental bronze tables, bronze_test_scope; no earlier pass
        taken on table models, data_test_scope) and every unit test runs (unit_test_passed_before) -#}
    {{ return(var('full_test_sweep', false) | string | lower in ('true', '1', 'yes')) }}
{% endmacro %}
