{#- on-run-start hook: opens this invocation's build record in the warehouse (schema ops,
    created if missing) with status `running`. build_record_end closes it; a killed or
    crashed command leaves it `running`, and `aethermart export` refuses such a build.
    Only commands that run hooks write a record (build, run, test, seed, snapshot, source
    freshness, retry); docs generate, compile, show, ls and run-operation do not.
    It records the PII salt's source and fingerprint (never the salt), which the plugin
    aethermart.dbt_plugins.pii_salt compares before the next run (a hook cannot stop dbt 1.11:
    the models run even when on-run-start fails), and the source systems that feed the
    build (var enabled_sources, comma-separated), which `aethermart quality` prints, and
    whether it ran with `--empty` (its models hold no rows: the export guard refuses them). -#}
{% macro build_record_start() -%}
    create schema if not exists ops;

    create table if not exists ops.dbt_invocations (
        invocation_id varchar not null,
        command varchar,
        target_name varchar,
        dbt_version varchar,
        started_at timestamp with time zone,
        finished_at timestamp with time zone,
        status varchar not null,
        nodes integer,
        failures integer,
        pii_salt_source varchar,
        pii_salt_fingerprint varchar,
        enabled_sources varchar,
        code_fingerprint varchar,
        empty boolean
    );

    -- a warehouse recorded before fingerprints: keep its rows, compare from now on
    alter table ops.dbt_invocations add column if not exists pii_salt_fingerprint varchar;
    -- ... and before enabled_sources
    alter table ops.dbt_invocations add column if not exists enabled_sources varchar;
    -- ... and before code fingerprints (their unit tests count only when run since a build)
    alter table ops.dbt_invocations add column if not exists code_fingerprint varchar;
    -- ... and before `--empty` runs were told apart (their models hold no rows)
    alter table ops.dbt_invocations add column if not exists empty boolean;

    create table if not exists ops.dbt_node_results (
        invocation_id varchar not null,
        unique_id varchar not null,
        resource_type varchar,
        status varchar,
        checksum varchar,
        contract_checksum varchar,
        execution_seconds double,
        failures bigint
    );

    -- the input fingerprints of table models (macro model_fingerprint), written with each table
    {{ model_fingerprint_table_ddl() }};
    -- a warehouse recorded before content hashes: its tables are rebuilt once (NULL never matches)
    alter table ops.model_fingerprints add column if not exists content_hash varchar;
    alter table ops.model_fingerprints add column if not exists checked_invocation_id varchar;
    -- the key digests of the rebuild_by_key models (macro model_key_digests_table_ddl), created
    -- here so that two threads' first writes do not both create it
    {{ model_key_digests_table_ddl() }};
    -- what the rebuild_by_extraction models were last built from (macro extraction_builds_table_ddl)
    {{ extraction_builds_table_ddl() }};
    -- ... and the rebuild_by_landed_file models (macro landed_file_builds_table_ddl)
    {{ landed_file_builds_table_ddl() }};
    -- the inputs whose content a reader compared with their record, per invocation (macro
    -- model_input_checks_table_ddl); earlier invocations' marks are of no use
    {{ model_input_checks_table_ddl() }};
    delete from ops.model_input_checks where invocation_id != '{{ invocation_id }}';

    -- the inputs each row-local data test on table models last passed on (data_test_passes_table_ddl)
    {{ data_test_passes_table_ddl() }};
    -- what the merges of changed keys changed, for the tests that check only those (model_changes_table_ddl)
    {{ model_changes_table_ddl() }};
    -- ... and for the merges that compare only the keys their inputs' merges changed (merge_scope_table_ddl)
    {{ merge_scope_table_ddl() }};
    -- ... and each unit test under which code and input columns it last passed (unit_test_passes_table_ddl)
    {{ unit_test_passes_table_ddl() }};

    -- the landed-file records of the incremental bronze models (macro bronze_file_state_ddl)
    {{ bronze_file_state_ddl() }};

    insert into ops.dbt_invocations (
        invocation_id, command, target_name, dbt_version, started_at, status, pii_salt_source,
        pii_salt_fingerprint, enabled_sources, code_fingerprint, empty
    )
    values (
        '{{ invocation_id }}',
        '{{ flags.WHICH | replace("'", "''") }}',
        '{{ target.name | replace("'", "''") }}',
        '{{ dbt_version }}',
        cast('{{ run_started_at }}' as timestamp with time zone),
        'running',
        getvariable('aethermart_pii_salt_source'),
        getvariable('aethermart_pii_salt_fingerprint'),
        '{{ enabled_sources() | join(",") }}',
        getvariable('aethermart_code_fingerprint'),
        {{ 'true' if flags.EMPTY else 'false' }}
    )
{%- endmacro %}
