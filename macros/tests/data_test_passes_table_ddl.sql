{% macro data_test_passes_table_ddl() %}
    {#- ops.data_test_passes: per reusable data test (data_test_is_reusable), the inputs
        it last passed on (each relation's recorded content), under which code fingerprint and
        with which compiled SQL (its md5: a test rendered from the environment differs without
        any file changing) - data_tests_passed writes it, data_test_passed_before reads it.
        Created by build_record_start. -#}
    {{ return("create schema if not exists ops;\n"
        ~ "create table if not exists ops.data_test_passes (test varchar not null, inputs varchar not null, "
        ~ "code_fingerprint varchar not null, sql_hash varchar not null, invocation_id varchar not null)") }}
{% endmacro %}
