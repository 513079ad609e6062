{#- Whether a data test's earlier pass can stand for a run on the same inputs under the same
    code (data_test_passed_before): every relation it reads is a table model these
    materializations fingerprint (table, bucketed_table: ops.model_fingerprints records their
    content), it stores no failures, and its SQL names nothing that changes without its inputs
    (the clock, random values, samples, sequences, DuckDB variables, the environment) and reads
    no file or catalog directly (read_csv, `from 'file.csv'`, glob, information_schema,
    duckdb_tables(), pragmas, ...). The list is of names, not a parse: a test that reads
    something else that changes on its own must not be left to it. A relation named in
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
        ~ '|tablesample|using\\s+sample|reservoir_quantile|nextval|currval'
        ~ '|read_csv|read_csv_auto|read_parquet|parquet_scan|read_json|read_json_auto|read_json_objects|read_ndjson'
        ~ '|read_text|read_blob|read_xlsx|sniff_csv|glob|information_schema|pg_catalog|sqlite_master|pragma\\w*'
        ~ '|duckdb_\\w+)\\b', modules.re.IGNORECASE) -%}
    {#- a file read by its path: `from 'orders.csv'`, `join '/data/x.parquet'` -#}
    {%- set file_literal = modules.re.compile("\\b(from|join)\\s*\\(?\\s*'", modules.re.IGNORECASE) -%}
    {#- the changed-keys scope names a DuckDB variable the test's own run sets: not a value
        that changes without the inputs -#}
    {%- set scope = _changed_rows_scope(test_node) if sql is not none else none -%}
    {%- if scope is not none -%}
        {%- set sql = sql.replace(_changed_rows_predicate(test_node.unique_id, scope), '') -%}
    {%- endif -%}
    {%- if sql is not none and (volatile.search(sql) or file_literal.search(sql)) -%}
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
