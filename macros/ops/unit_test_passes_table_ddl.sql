{% macro unit_test_passes_table_ddl() %}
    {#- ops.unit_test_passes: per unit test, the code fingerprint and the column names and types
        of the relations it depends on (_unit_test_input_columns) under which it last passed;
        unit_tests_passed writes it, unit_test_passed_before reads it. Created by
        build_record_start. -#}
    {{ return("create schema if not exists ops;\n"
        ~ "create table if not exists ops.unit_test_passes (test varchar not null, code_fingerprint varchar not null, "
        ~ "input_columns varchar not null, invocation_id varchar not null)") }}
{% endmacro %}
