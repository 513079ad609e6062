{#- dbt's `test` materialization (dbt-adapters' global project, dbt-core 1.11, copied) with one
    addition: a data test that passed on inputs with the same recorded content under this
    code fingerprint (data_test_passed_before) is not run again - its result would be the
    same. It logs "passed on the same inputs under this code in an earlier build: not run
    again" and reports no failures. Every test runs under --full-refresh, --empty, --defer,
    `dbt test` alone and the full sweep (--vars '{full_test_sweep: true}', what CI runs).
    A test that passed on what its model's last merge started from checks only the keys the
    merge changed, a relationships test also the child rows of the keys its parent's merge
    changed (data_test_changed_rows_scope). A failed row_rules test also logs its
    broken rules (row_rules_log_failures). -#}
{%- materialization test, default -%}

  {% set relations = [] %}
  {%- set passed_in = data_test_passed_before() -%}
  {%- if passed_in -%}
    {{ log(model.name ~ ": passed on the same inputs under this code in an earlier build: not run again "
        ~ "(--vars '{full_test_sweep: true}' runs it)", info=true) }}
    {% call statement('main', fetch_result=True) -%}
      select 0 as failures, false as should_warn, false as should_error
      /* aethermart: passed on these same inputs under this code in invocation {{ passed_in }} */
    {%- endcall %}
    {{ return({'relations': relations}) }}
  {%- endif -%}
  {#- a test that passed on what its model's merge started from checks the changed keys' rows:
      its SQL's filter (changed_rows_test_scope) reads the variable on this node's own
      connection, set on every run of such a test -#}
  {%- set scoped_keys = data_test_changed_rows_scope() -%}
  {%- if scoped_keys is not none and scoped_keys.relations == [scoped_keys.tested] -%}
    {{ log(model.name ~ ": passed on this table before its last merge: checks the rows of the " ~ scoped_keys['keys']
        ~ " keys it changed (--vars '{full_test_sweep: true}' checks every row)", info=true) }}
  {%- elif scoped_keys is not none and scoped_keys.relations | length == 1 -%}
    {{ log(model.name ~ ": passed on what " ~ scoped_keys.relations[0] ~ " held before its last merge: checks "
        ~ "the rows of the " ~ scoped_keys['keys'] ~ " keys it changed (--vars '{full_test_sweep: true}' "
        ~ "checks every row)", info=true) }}
  {%- elif scoped_keys is not none -%}
    {{ log(model.name ~ ": passed on what " ~ scoped_keys.relations | join(' and ') ~ " held before their last "
        ~ "merges: checks the rows of the " ~ scoped_keys['keys'] ~ " keys they changed "
        ~ "(--vars '{full_test_sweep: true}' checks every row)", info=true) }}
  {%- endif -%}
  {%- if 'aethermart_test_scope' in sql -%}
    {% call statement('data_test_scope') -%}
      set variable aethermart_test_scope = {{ sql_string(model.unique_id) if scoped_keys is not none else 'null' }}
    {%- endcall %}
  {%- endif -%}
  {% set limit = config.get('limit') %}
  {% set sql_header = config.get('sql_header') if flags.REQUIRE_SQL_HEADER_IN_TEST_CONFIGS else none %}

  {% set sql_with_limit %}
    {{ get_limit_subquery_sql(sql, limit) }}
  {% endset %}

  {% if should_store_failures() %}

    {% set identifier = model['alias'] %}
    {% set old_relation = adapter.get_relation(database=database, schema=schema, identifier=identifier) %}

    {% set store_failures_as = config.get('store_failures_as') %}
    -- if `--store-failures` is invoked via command line and `store_failures_as` is not set,
    -- config.get('store_failures_as', 'table') returns None, not 'table'
    {% if store_failures_as == none %}{% set store_failures_as = 'table' %}{% endif %}
    {% if store_failures_as not in ['table', 'view'] %}
        {{ exceptions.raise_compiler_error(
            "'" ~ store_failures_as ~ "' is not a valid value for `store_failures_as`. "
            "Accepted values are: ['ephemeral', 'table', 'view']"
        ) }}
    {% endif %}

    {% set target_relation = api.Relation.create(
        identifier=identifier, schema=schema, database=database, type=store_failures_as) -%} %}

    {% if old_relation %}
        {% do adapter.drop_relation(old_relation) %}
    {% endif %}

    {% call statement(auto_begin=True) %}
        {% if sql_header %}{{ sql_header }}{% endif %}
        {{ get_create_sql(target_relation, sql_with_limit) }}
    {% endcall %}

    {% do relations.append(target_relation) %}

    {# Since the test failures have already been saved to the database, reuse that result rather than querying again #}
    {% set main_sql %}
        select *
        from {{ target_relation }}
    {% endset %}

    {{ adapter.commit() }}

  {% else %}

      {% set main_sql = sql_with_limit %}

  {% endif %}

  {% set fail_calc = config.get('fail_calc') %}
  {% set warn_if = config.get('warn_if') %}
  {% set error_if = config.get('error_if') %}

  {% call statement('main', fetch_result=True) -%}

    {% if sql_header %}{{ sql_header }}{% endif %}
    {# The limit has already been included above, and we do not want to duplicate it again. We also want to be safe for macro overrides treating `limit` as a required parameter. #}
    {{ get_test_sql(main_sql, fail_calc, warn_if, error_if, limit=none)}}

  {%- endcall %}

  {%- if (model.get('test_metadata') or {}).get('name') == 'row_rules' -%}
    {%- do row_rules_log_failures(sql) -%}
  {%- endif %}
  {%- if scoped_keys is not none -%}
    {% call statement('data_test_unscope') -%}
      set variable aethermart_test_scope = null
    {%- endcall %}
  {%- endif %}

  {{ return({'relations': relations}) }}

{%- endmaterialization -%}
