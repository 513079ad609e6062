{#- on-run-end hook: writes the status of every node this invocation ran (models, seeds,
    snapshots, data and unit tests, with the checksums of each node's SQL and contract)
    into ops.dbt_node_results, then closes the invocation's row of ops.dbt_invocations
    with `success` or `error` (any error, fail or partial success). Nothing else (no
    messages, no SQL, no salt) is recorded. Keeps the newest 100 invocations. -#}
{% macro build_record_end(results) -%}
    {%- set failures = [] -%}
    {%- for result in results if result.status in ("error", "fail", "runtime error", "partial success") -%}
        {%- do failures.append(result.node.unique_id) -%}
    {%- endfor -%}
    {%- if results | length > 0 %}
        insert into ops.dbt_node_results
        values
        {%- for result in results %}
            {%- set node = result.node %}
            {%- set checksum = node.checksum.checksum if node.checksum is defined and node.checksum else none %}
            {%- set contract = node.contract.checksum if node.contract is defined and node.contract else none %}
            (
                '{{ invocation_id }}',
                '{{ node.unique_id | replace("'", "''") }}',
                '{{ node.resource_type }}',
                '{{ result.status }}',
                {{ "'" ~ checksum ~ "'" if checksum else "null" }},
                {{ "'" ~ contract ~ "'" if contract else "null" }},
                {{ result.execution_time or 0 }},
                {{ result.failures or 0 }}
            ){{ "," if not loop.last }}
        {%- endfor %};
    {%- endif %}

    update ops.dbt_invocations
    set
        finished_at = now(),
        status = '{{ "error" if failures else "success" }}',
        nodes = {{ results | length }},
        failures = {{ failures | length }}
    where invocation_id = '{{ invocation_id }}';

    delete from ops.dbt_node_results
    where invocation_id not in (
        select invocation_id from ops.dbt_invocations
        order by started_at desc
        limit 100
    );

    delete from ops.dbt_invocations
    where invocation_id not in (
        select invocation_id from ops.dbt_invocations
        order by started_at desc
        limit 100
    )
{%- endmacro %}
