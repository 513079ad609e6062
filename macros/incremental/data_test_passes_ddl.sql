{% macro data_test_passes_ddl() %}
    {#- ops.data_test_passes: per data test of silver and gold, the state of its inputs when it
        last passed (data_test_record). Created by on-run-start, before tests run in parallel. -#}
    {{ return("create schema if not exists ops;\n"
        ~ "create table if not exists ops.data_test_passes (test varchar not null, state varchar not null, "
        ~ "invocation_id varchar not null, passed_at timestamp with time zone)") }}
{% endmacro %}
