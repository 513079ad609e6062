{#- Whether a data test can be taken as passing again when it passed before on the same
    inputs under the same code: a generic test that fails on rows of its inputs and so passes
    on no rows (not_null, unique, accepted_values, relationships, accepted_range,
    expression_is_true, unique_combination_of_columns; dbt's or this project's, not a
    package's), whose every input is a table model these materializations fingerprint (table,
    bucketed_table: ops.model_fingerprints records their content), and whose arguments and
    `where` name nothing that changes without its inputs (the clock, random values, DuckDB
    variables). Singular tests, tests on sources, seeds, snapshots or bronze, and any other
    generic test read every row every time. -#}
{% macro data_test_is_row_local(test_node) %}
    {%- set metadata = test_node.test_metadata if test_node.test_metadata is defined and test_node.test_metadata else none -%}
    {%- if metadata is none or metadata.namespace or metadata.name not in ('not_null', 'unique', 'accepted_values',
        'relationships', 'accepted_range', 'expression_is_true', 'unique_combination_of_columns') -%}
        {{ return(false) }}
    {%- endif -%}
    {%- set volatile = modules.re.compile('\\b(now|current_date|current_time|current_timestamp|localtime|localtimestamp'
        ~ '|today|get_current_time|get_current_timestamp|transaction_timestamp|random|uuid|gen_random_uuid|getvariable'
        ~ '|setseed|run_started_at|invocation_id|env_var)\\b', modules.re.IGNORECASE) -%}
    {%- if volatile.search((metadata.kwargs | string) ~ ' ' ~ (test_node.config.get('where') or '')) -%}
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
