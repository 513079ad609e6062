{#- After a failed row_rules test (the `test` materialization calls it): logs each broken rule
    with its count of failing rows and an example key, so a build's log says what broke
    without --store-failures (`row_rules_slv_orders: not_null(customer_key): 2 failing rows,
    e.g. key 4f1c…`). `test_sql` is the test's compiled SQL; nothing runs when it passed. -#}
{% macro row_rules_log_failures(test_sql) %}
    {%- set failures = load_result('main').table.columns[0].values()[0] -%}
    {%- if failures and failures > 0 -%}
        {%- set broken = run_query(
            "select broken_rule, count(*), min(row_key) from (" ~ test_sql ~ ") as failing "
            ~ "group by broken_rule order by broken_rule") -%}
        {%- for rule, rows, example in broken.rows -%}
            {{ log(model.name ~ ": " ~ rule ~ ": " ~ rows ~ " failing row" ~ ("s" if rows != 1 else "")
                ~ (", e.g. key " ~ example if example is not none else ""), info=true) }}
        {%- endfor -%}
    {%- endif -%}
{% endmacro %}
