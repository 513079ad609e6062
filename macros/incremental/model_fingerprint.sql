{#- The input fingerprint of the table model being built (materializations `table` and
    `bucketed_table`), and whether its table can be kept. The fingerprint is an md5 of
    everything the rows depend on -
      * the materialization's version (`model_fingerprint_version`),
      * its compiled SQL (resolved vars, macros, date windows), config, contract and column types,
      * the PII salt's fingerprint (the salt reaches SQL as a DuckDB variable, not as text),
        the session time zone, the DuckDB, dbt-core and adapter (dbt-duckdb) versions - the
        adapter's macros write the SQL around the model; its version is the DuckDB variable
        aethermart_dbt_duckdb_version set by the plugin aethermart.dbt_plugins.adapter_version (a
        profile without that plugin keeps nothing: the version is unknown),
      * the state of every relation it reads (`_model_fingerprint_input`) - of an input
        the model reads only some columns of (`narrowed`, config `input_columns` of a `table`
        model: input_columns_declared), those columns' content
        (`_model_fingerprint_narrowed_input`);
    none when the rows depend on something without a state to compare (a source read
    directly, a view, an incremental model outside bronze, a python model): the model is then
    always rebuilt. Kept: no --full-refresh, the fingerprint equals the one recorded in
    ops.model_fingerprints when the table was written, and the table still holds what was
    recorded then: its row count, then its content (`_model_fingerprint_content`: sum of the
    rows' hashes, column names and types - a table replaced by hand or by another tool with
    the same row count, or updated in place, is rebuilt; a comment or the table's oid is no
    such marker: `comment on` is free to anyone, the oid is not stable across reopening the
    file). One query, run as the model's `main` statement (a build overwrites it), and a
    second that compares the content only when the first found the table keepable.
    `keyed` (from `rebuild_by_key_inputs`): also returns `static`, the fingerprint with the
    keyed inputs' column names and types instead of their states and with the other inputs'
    content (a shared input rebuilt to the same content is no change; of its
    `shared_columns` only, when listed) - equal to the one recorded with the key digests,
    only the keyed inputs' rows changed (`rebuild_by_key_plan`). -#}
{% macro model_fingerprint(existing_relation, keyed=none, narrowed=none) %}
    {%- set base_parts = _model_fingerprint_base(compiled_code) -%}
    {%- set parts = base_parts + [] -%}
    {%- set static_parts = base_parts + [] -%}
    {#- each input's state is computed once (a materialized CTE), for both fingerprints -#}
    {%- set states = ["1 as no_input"] -%}
    {#- inputs whose content the query compares with their record: marked checked when it matched -#}
    {%- set compared = [] -%}
    {%- set matched = [] -%}
    {%- set known = [model.language == 'sql'] -%}
    {%- for unique_id in model.depends_on.nodes | unique | sort if known[0] -%}
        {%- if narrowed and narrowed.own.get(unique_id) -%}
            {%- set input = _model_fingerprint_narrowed_input(unique_id, narrowed.columns[unique_id]) -%}
        {%- else -%}
            {%- set compared_before = compared | length -%}
            {%- set input = _model_fingerprint_input(unique_id, compared=compared) -%}
            {%- if compared | length > compared_before -%}
                {%- do matched.append("case when not starts_with(input_states.state_" ~ loop.index
                    ~ ", 'unknown:') then " ~ sql_string(compared[-1]) ~ " end") -%}
            {%- endif -%}
        {%- endif -%}
        {%- if input is none -%}
            {%- do known.append(false) -%}{%- do known.pop(0) -%}
        {%- else -%}
            {%- set state = "input_states.state_" ~ loop.index -%}
            {#- an input without a recorded state makes the fingerprint one that never matches -#}
            {%- do states.append("coalesce(" ~ input ~ ", 'unknown:' || uuid()) as state_" ~ loop.index) -%}
            {%- do parts.append("'" ~ unique_id | replace("'", "''") ~ "'") -%}
            {%- do parts.append(state) -%}
            {%- do static_parts.append("'" ~ unique_id | replace("'", "''") ~ "'") -%}
            {%- if keyed and unique_id in keyed.shared -%}
                {%- set columns = [] -%}
                {%- for column in keyed.shared[unique_id] -%}{%- do columns.append(adapter.quote(column)) -%}{%- endfor -%}
                {%- do states.append("(select count(*) || ':' || coalesce(sum(hash(row(" ~ columns | join(', ') ~ "))), 0) from "
                    ~ keyed.reads[unique_id] ~ " as shared_rows) as content_" ~ loop.index) -%}
                {%- do static_parts.append("input_states.content_" ~ loop.index) -%}
            {%- elif keyed and unique_id in keyed.inputs -%}
                {#- a row's hash does not see column names (nor int widths): a keyed input
                    whose columns were renamed, swapped or retyped rebuilds whole -#}
                {%- set node = graph.nodes[unique_id] -%}
                {%- do states.append("(select coalesce(md5(string_agg(column_name || ' ' || data_type, ',' "
                    ~ "order by column_index)), '-') from duckdb_columns() where database_name = " ~ sql_string(node.database)
                    ~ " and schema_name = " ~ sql_string(node.schema) ~ " and table_name = "
                    ~ sql_string(node.alias or node.name) ~ ") as columns_" ~ loop.index) -%}
                {%- do static_parts.append("input_states.columns_" ~ loop.index) -%}
            {%- elif keyed and unique_id not in keyed.inputs -%}
                {%- do states.append("coalesce(" ~ _model_fingerprint_input(unique_id, by_content=true)
                    ~ ", 'unknown:' || uuid()) as content_" ~ loop.index) -%}
                {%- do static_parts.append("input_states.content_" ~ loop.index) -%}
            {%- endif -%}
        {%- endif -%}
    {%- endfor -%}
    {%- set fingerprint = "md5(concat_ws('|', " ~ parts | join(", ") ~ "))" if known[0] else "cast(null as varchar)" -%}
    {%- set static = "md5(concat_ws('|', " ~ static_parts | join(", ") ~ "))"
        if known[0] and keyed else "cast(null as varchar)" -%}
    {%- if known[0] and existing_relation is not none and existing_relation.type == 'table' and not should_full_refresh() -%}
        {%- set candidate = "exists (select 1 from ops.model_fingerprints as recorded where recorded.relation = "
            ~ sql_string(_model_fingerprint_key(this)) ~ " and recorded.fingerprint = computed.fingerprint "
            ~ "and recorded.row_count = (select count(*) from " ~ existing_relation ~ "))" -%}
    {%- else -%}
        {%- set candidate = "false" -%}
    {%- endif -%}
    {% call statement('main', fetch_result=True) -%}
        {{ model_fingerprint_table_ddl() }};
        with input_states as materialized (select {{ states | join(', ') }})
        select fingerprint, {{ candidate }} as kept, static, matched_inputs
        from (
            select
                {{ fingerprint }} as fingerprint,
                {{ static }} as static,
                {{ "concat_ws(',', " ~ matched | join(', ') ~ ")" if matched else "''" }} as matched_inputs
            from input_states
        ) as computed
    {%- endcall %}
    {%- set row = load_result('main').table.rows[0] -%}
    {%- set kept = row[1] -%}
    {%- if row[3] and adapter.get_relation(database=target.database, schema='ops', identifier='model_input_checks') is not none -%}
        {#- the inputs this query found as recorded: the next reader in this invocation need not
            compare them again (at scale 10 a sync's build compared slv_events__checked three times,
            1.3 s each) -#}
        {% call statement('model_input_checks') -%}
            insert into ops.model_input_checks (relation, invocation_id, checked_at)
            select unnest(string_split({{ sql_string(row[3]) }}, ',')), {{ sql_string(invocation_id) }}, now()
        {%- endcall %}
    {%- endif -%}
    {%- if kept -%}
        {#- same inputs and row count: the table must also still hold the content recorded when
            it was written (a table replaced or updated outside these materializations is
            rebuilt); marked checked by this invocation, so its readers need not compare again -#}
        {% call statement('model_fingerprint_content', fetch_result=True) -%}
            update ops.model_fingerprints set checked_invocation_id = {{ sql_string(invocation_id) }}
            where relation = {{ sql_string(_model_fingerprint_key(this)) }}
                and content_hash = {{ _model_fingerprint_content(existing_relation) }}
            returning relation
        {%- endcall %}
        {%- set kept = load_result('model_fingerprint_content').table.rows | length > 0 -%}
        {%- if not kept -%}
            {{ log(model.name ~ ": content differs from what this project wrote (changed outside dbt?): rebuilt", info=true) }}
        {%- endif -%}
    {%- endif -%}
    {{ return({'fingerprint': row[0], 'kept': kept, 'static': row[2]}) }}
{% endmacro %}
