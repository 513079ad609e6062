{#- on-run-end hook: the pass records of the unit tests (unit_test_passed_before). A unit test
    that passed is recorded under the invocation's code fingerprint with the column names and
    types of the relations it depends on, as they are now (nothing without a fingerprint); its
    older record goes. One that failed, warned or errored forgets its record. A skipped unit
    test and any run with --empty change nothing (the flat graph has no unit tests, so the
    records of a removed one stay, never matched). No query while compiling (see
    bronze_files_tested). -#}
{% macro unit_tests_passed(results) %}
    {%- if not execute or flags.EMPTY -%}{{ return('') }}{%- endif -%}
    {%- set passed = [] -%}
    {%- set forget = [] -%}
    {%- for result in results if result.node.resource_type == 'unit_test' -%}
        {%- if result.status == 'pass' -%}
            {%- do passed.append(result.node) -%}
            {%- do forget.append(sql_string(result.node.unique_id)) -%}
        {%- elif result.status in ('fail', 'warn', 'error', 'runtime error') -%}
            {%- do forget.append(sql_string(result.node.unique_id)) -%}
        {%- endif -%}
    {%- endfor -%}
    {%- set statements = [] -%}
    {%- if forget -%}
        {%- do statements.append("delete from ops.unit_test_passes where test in (" ~ forget | join(", ") ~ ")") -%}
    {%- endif -%}
    {%- for node in passed -%}
        {%- do statements.append("insert into ops.unit_test_passes (test, code_fingerprint, input_columns, invocation_id)"
            ~ " select " ~ sql_string(node.unique_id) ~ ", getvariable('aethermart_code_fingerprint'), "
            ~ _unit_test_input_columns(node) ~ ", " ~ sql_string(invocation_id)
            ~ " where getvariable('aethermart_code_fingerprint') is not null") -%}
    {%- endfor -%}
    {{ return(statements | join(";\n") or 'select 1') }}
{% endmacro %}
