{#- Whether a data test's earlier pass can stand for a run on the same inputs under the same
    code (data_test_passed_before): every relation it reads is a table model these
    materializations fingerprint (table, bucketed_table: ops.model_fingerprints records their
    content), it stores no failures, and its SQL names nothing that changes without its inputs
    (the clock, random values, DuckDB variables, the environment) and reads no file or catalog
    directly (read_csv, glob, information_schema, duckdb_tables(), ...). A relation named in
    the SQL without ref() or source() is not seen (as in dbt's lineage). Generic and singular tests
    alike; tests on sources, seeds, snapshots or bronze always run (bronze ones are scoped by
    file, bronze_test_scope). `sql`: the test's compiled SQL, when known. -#}
{% macro data_test_is_reusable(test_node, sql=none) %}
    {%- if test_node.config.get('store_failures') or test_node.config.get('store_failures_as') -%}
        {{ return(false) }}
    {%- endif -%}
    {%- set volatile = modules.re.compile('\\b(now|current_date|current_time|current_timestamp|localtime|localtimestamp'
        ~ '|today|get_current_time|get_current_timestamp|transaction_timestamp|random|uuid|gen_random_uuid|getvariable'
        ~ '|setseed|current_setting|getenv'
        ~ '|read_csv|read_csv_auto|read_parquet|read_json|read_json_auto|read_ndjson|read_text|read_blob|glob'
        ~ '|information_schema|duckdb_\\w+)\\b', modules.re.IGNORECASE) -%}
    {%- if sql is not none and volatile.search(sql) -%}
        {{ return(false) }}
    {%- endif -%}
    {%- set inputs = test_node.depends_on.nodes | unique | list -%}
    {%- for unique_id in inputs -%}
        {%- set node = graph.nodes.get(unique_id) -%}
        {%- if node is none or node.resource_type != 'model'
            or node.config.materialized not in ('table', 'bucketed_table') -%}
            {{ return(false) }}
        {%- endif -%}
    {%- endfor -%}
    {{ return(inputs | length > 0) }}
{% endmacro %}
