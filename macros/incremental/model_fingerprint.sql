{#- The input fingerprint of the table model being built (materializations `table` and
    `bucketed_table`), and whether its table can be kept. The fingerprint is an md5 of
    everything the rows depend on -
      * the materialization's version (`model_fingerprint_version`),
      * its compiled SQL (resolved vars, macros, date windows), config, contract and column types,
      * the PII salt's fingerprint (the salt reaches SQL as a DuckDB variable, not as text),
        the session time zone, the DuckDB and dbt versions,
      * the state of every relation it reads (`_model_fingerprint_input`);
    none when the rows depend on something without a state to compare (a source read
    directly, a view, an incremental model outside bronze, a python model): the model is then
    always rebuilt. Kept: no --full-refresh, the fingerprint equals the one recorded in
    ops.model_fingerprints when the table was written, and the table still holds the recorded
    number of rows. One query, run as the model's `main` statement (a build overwrites it). -#}
{% macro model_fingerprint(existing_relation) %}
    {%- set parts = [
        "'" ~ model_fingerprint_version() ~ "'",
        "'" ~ local_md5(compiled_code) ~ "'",
        "'" ~ local_md5(tojson(model.config, sort_keys=true)) ~ "'",
        "'" ~ local_md5(tojson(_model_fingerprint_columns(model), sort_keys=true)) ~ "'",
        "coalesce(getvariable('aethermart_pii_salt_fingerprint'), '-')",
        "current_setting('TimeZone')",
        "version()",
        "'" ~ dbt_version ~ "'",
    ] -%}
    {%- set known = [model.language == 'sql'] -%}
    {%- for unique_id in model.depends_on.nodes | unique | sort if known[0] -%}
        {%- set input = _model_fingerprint_input(unique_id) -%}
        {%- if input is none -%}
            {%- do known.append(false) -%}{%- do known.pop(0) -%}
        {%- else -%}
            {%- do parts.append("'" ~ unique_id | replace("'", "''") ~ "'") -%}
            {#- an input without a recorded state makes the fingerprint one that never matches -#}
            {%- do parts.append("coalesce(" ~ input ~ ", 'unknown:' || uuid())") -%}
        {%- endif -%}
    {%- endfor -%}
    {%- set fingerprint = "md5(concat_ws('|', " ~ parts | join(", ") ~ "))" if known[0] else "cast(null as varchar)" -%}
    {%- if known[0] and existing_relation is not none and existing_relation.type == 'table' and not should_full_refresh() -%}
        {%- set kept = "exists (select 1 from ops.model_fingerprints as recorded where recorded.relation = "
            ~ sql_string(_model_fingerprint_key(this)) ~ " and recorded.fingerprint = computed.fingerprint "
            ~ "and recorded.row_count = (select count(*) from " ~ existing_relation ~ "))" -%}
    {%- else -%}
        {%- set kept = "false" -%}
    {%- endif -%}
    {% call statement('main', fetch_result=True) -%}
        {{ model_fingerprint_table_ddl() }};
        select fingerprint, {{ kept }} as kept from (select {{ fingerprint }} as fingerprint) as computed
    {%- endcall %}
    {%- set row = load_result('main').table.rows[0] -%}
    {{ return({'fingerprint': row[0], 'kept': row[1]}) }}
{% endmacro %}


{% macro model_fingerprint_version() %}
    {#- bump when the materializations change what they write for the same inputs -#}
    {{ return('aethermart-table-fingerprint-v1') }}
{% endmacro %}


{% macro _model_fingerprint_columns(node) %}
    {#- the declared columns' names, types and constraints (the contract), not their docs -#}
    {%- set columns = [] -%}
    {%- for name, column in node.columns.items() | sort -%}
        {%- do columns.append([name, column.get('data_type'), column.get('constraints', []) | string]) -%}
    {%- endfor -%}
    {{ return(columns) }}
{% endmacro %}


{% macro _model_fingerprint_input(unique_id) %}
    {#- a SQL expression (text) for the current state of one input of the model, or none
        when the input has no usable state -#}
    {%- set node = graph.nodes.get(unique_id) -%}
    {%- if node is none -%}{{ return(none) }}{%- endif -%}
    {%- set relation = api.Relation.create(database=node.database, schema=node.schema,
        identifier=node.alias or node.name) -%}
    {%- if node.resource_type in ('seed', 'snapshot') -%}
        {#- seeds and snapshots change in place (a seed is reloaded, a snapshot closes and opens
            versions), and the table, not the seed file, is what the model reads (a seed file
            edited but not yet loaded must not count): their content, small lookups and one
            row per version -#}
        {%- if load_relation(relation) is none -%}{{ return(none) }}{%- endif -%}
        {#- of each row's text, which names its columns: a seed whose header swapped two labels
            holds the same values in the same order, and hash() of the row alone sees no change -#}
        {{ return("(select count(*) || ':' || coalesce(sum(hash(input_rows::varchar)), 0) from " ~ relation ~ " as input_rows)") }}
    {%- elif node.resource_type == 'model' and node.config.materialized in ('table', 'bucketed_table') -%}
        {%- if load_relation(relation) is none -%}{{ return(none) }}{%- endif -%}
        {#- a table built by these materializations: the fingerprint and invocation that wrote it
            (a rebuild with the same inputs, e.g. --full-refresh, still counts as a change) -#}
        {{ return("(select fingerprint || ':' || invocation_id || ':' || row_count from ops.model_fingerprints "
            ~ "where relation = " ~ sql_string(_model_fingerprint_key(relation))
            ~ " and row_count = (select count(*) from " ~ relation ~ "))") }}
    {%- elif node.resource_type == 'model' and node.config.materialized == 'incremental'
        and node.name.startswith('brz_') -%}
        {#- incremental bronze: the identities of the files its rows come from (path, size,
            mtime and the model's own fingerprint: code, sources, landing path), and its rows -#}
        {%- if load_relation(relation) is none -%}{{ return(none) }}{%- endif -%}
        {#- a bronze table without this warehouse's file record (copied by dbt clone): no state -#}
        {%- if adapter.get_relation(database=target.database, schema='ops', identifier='bronze_file_state') is none -%}
            {{ return(none) }}
        {%- endif -%}
        {{ return("(select coalesce(md5(string_agg(concat_ws(':', file_path, file_size, epoch_us(file_modified_at), fingerprint), "
            ~ "'|' order by file_path)), '-') from ops.bronze_file_state where model = " ~ sql_string(node.name)
            ~ ") || ':' || (select count(*) from " ~ relation ~ ")") }}
    {%- endif -%}
    {{ return(none) }}
{% endmacro %}


{% macro _model_fingerprint_key(relation) %}
    {{ return((relation.schema ~ '.' ~ relation.identifier) | lower) }}
{% endmacro %}


{#- SQL run in the model's transaction, after the new table took its name: forget the old
    fingerprint, record the new one (none: the model has none, so nothing that reads it can
    be kept either). A killed build commits neither the table nor its fingerprint. -#}
{% macro model_fingerprint_record(fingerprint, target_relation) %}
    {%- set key = sql_string(_model_fingerprint_key(target_relation)) -%}
    {%- set statements = [model_fingerprint_table_ddl(),
        "delete from ops.model_fingerprints where relation = " ~ key] -%}
    {%- if fingerprint is not none -%}
        {%- do statements.append(
            "insert into ops.model_fingerprints (relation, unique_id, fingerprint, row_count, built_at, invocation_id) "
            ~ "select " ~ key ~ ", " ~ sql_string(model.unique_id) ~ ", " ~ sql_string(fingerprint)
            ~ ", count(*), now(), " ~ sql_string(invocation_id) ~ " from " ~ target_relation) -%}
    {%- endif -%}
    {% call statement('model_fingerprint_record') -%}
        {{ statements | join(";\n") }}
    {%- endcall %}
{% endmacro %}


{% macro model_fingerprint_table_ddl() %}
    {#- ops.model_fingerprints: one row per table model, written with its table -#}
    {{ return("create schema if not exists ops;\n"
        ~ "create table if not exists ops.model_fingerprints (relation varchar not null, unique_id varchar, "
        ~ "fingerprint varchar not null, row_count bigint not null, built_at timestamp with time zone, "
        ~ "invocation_id varchar not null)") }}
{% endmacro %}


{#- The kept path of the materializations: hooks run as in a build (they may report on the
    table, e.g. audit_set_aside's warnings), the table is not touched; dbt's result is the
    `main` statement of model_fingerprint. -#}
{% macro model_fingerprint_keep(target_relation) %}
    {{ log(model.name ~ ": unchanged inputs: kept", info=true) }}
    {{ run_hooks(pre_hooks, inside_transaction=False) }}
    {{ run_hooks(pre_hooks, inside_transaction=True) }}
    {{ run_hooks(post_hooks, inside_transaction=True) }}
    {{ adapter.commit() }}
    {{ run_hooks(post_hooks, inside_transaction=False) }}
    {{ return({'relations': [target_relation]}) }}
{% endmacro %}
