{#- dbt's `unit` materialization (dbt-adapters' global project, dbt-core 1.11, copied) with one
    addition: a unit test that passed under this invocation's code fingerprint (every project
    file, profiles.yml, --vars, --target, the dbt-core, dbt-duckdb and DuckDB versions) with the
    same column names and types of the relations it depends on - dbt types its fixture rows by
    them - is not run again (unit_test_passed_before, records by unit_tests_passed): its result
    would be the same. It logs "passed under this code in an earlier build: not run again" and
    returns no row, which dbt's runner reads as actual = expected (a pass). `aethermart sync`
    already left such unit tests out of its builds; a plain `dbt build` now costs the same.
    --full-refresh, --empty, the full sweep (--vars '{full_test_sweep: true}', what CI runs)
    and a profile without the fingerprint plugin run every unit test. -#}
{%- materialization unit, default -%}

  {% set relations = [] %}
  {%- if unit_test_passed_before() -%}
    {{ log(model.name ~ ": passed under this code in an earlier build: not run again "
        ~ "(--vars '{full_test_sweep: true}' runs it)", info=true) }}
    {% call statement('main', fetch_result=True) -%}
      select 'actual' as actual_or_expected where false
    {%- endcall %}
    {{ return({'relations': relations}) }}
  {%- endif -%}
  {% set sql_header = config.get('sql_header') if flags.REQUIRE_SQL_HEADER_IN_TEST_CONFIGS else none %}

  {% set expected_rows = config.get('expected_rows') %}
  {% set expected_sql = config.get('expected_sql') %}
  {% set tested_expected_column_names = expected_rows[0].keys() if (expected_rows | length ) > 0 else get_columns_in_query(sql) %}

  {%- set target_relation = this.incorporate(type='table') -%}
  {%- set temp_relation = make_temp_relation(target_relation)-%}
  {% do run_query(get_create_table_as_sql(True, temp_relation, get_empty_subquery_sql(sql))) %}
  {%- set columns_in_relation = adapter.get_columns_in_relation(temp_relation) -%}
  {%- set column_name_to_data_types = {} -%}
  {%- set column_name_to_quoted = {} -%}
  {%- for column in columns_in_relation -%}
  {%-   do column_name_to_data_types.update({column.name|lower: column.data_type}) -%}
  {%-   do column_name_to_quoted.update({column.name|lower: column.quoted}) -%}
  {%- endfor -%}

  {%- set expected_column_names_quoted = [] -%}
  {%- for column_name in tested_expected_column_names -%}
  {%-   do expected_column_names_quoted.append(column_name_to_quoted[column_name|lower]) -%}
  {%- endfor -%}

  {% if not expected_sql %}
  {%   set expected_sql = get_expected_sql(expected_rows, column_name_to_data_types, column_name_to_quoted) %}
  {% endif %}
  {% set unit_test_sql = get_unit_test_sql(sql, expected_sql, expected_column_names_quoted) %}

  {% call statement('main', fetch_result=True) -%}

    {% if sql_header %}{{ sql_header }}{% endif %}
    {{ unit_test_sql }}

  {%- endcall %}

  {% do adapter.drop_relation(temp_relation) %}

  {{ return({'relations': relations}) }}

{%- endmaterialization -%}
