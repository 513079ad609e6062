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
