{#- For rebuild_by_key_plan: {'sql': SQL (text) of the 64-bit hashes of the keys whose digests
    may have changed since the model's last write, from its keyed inputs' change logs} - or
    {'why': the reason} when the digests must be computed over every input row. The hashes are
    the logged ones, as merge_scope_plan reads them; {'why'} unless
      * that write recorded what it read (ops.merge_scope_builds, rebuild_by_key_record) under
        the `static` fingerprint, with the key digests (the same invocation);
      * each keyed input either holds the content the model read, or its last write logged its
        changes (ops.model_changes) from exactly that content, with the input's key column among
        the columns it logged (ops.model_changed_columns: as its own key or as values);
      * each keyed input's key column is text (VARCHAR), as the digests' keys are: the hash of a
        logged value is then the hash of its key in ops.model_key_digests, NULL included.
    A key that no logged value names kept every input row it had, so its digest is unchanged. -#}
{% macro _rebuild_by_key_logged_keys(keyed, static) %}
    {%- set key = sql_string(_model_fingerprint_key(this)) -%}
    {%- set checks = [] -%}
    {%- for unique_id, column in keyed.inputs | dictsort -%}
        {%- set node = graph.nodes[unique_id] -%}
        {%- set relation = api.Relation.create(database=node.database, schema=node.schema, identifier=node.alias or node.name) -%}
        {%- set input = sql_string(_model_fingerprint_key(relation)) -%}
        {%- do checks.append("select " ~ input ~ " as input, " ~ sql_string(column | lower) ~ " as column_name, "
            ~ "(select any_value(input_content) from ops.merge_scope_builds where relation = " ~ key
            ~ " and input_relation = " ~ input ~ ") as recorded, "
            ~ _merge_scope_input_state(unique_id) ~ " as now, "
            ~ "coalesce((select data_type from duckdb_columns() where database_name = " ~ sql_string(relation.database)
            ~ " and schema_name = " ~ sql_string(relation.schema) ~ " and table_name = " ~ sql_string(relation.identifier)
            ~ " and lower(column_name) = " ~ sql_string(column | lower) ~ ") = 'VARCHAR', false) as is_text") -%}
    {%- endfor -%}
    {% call statement('rebuild_by_key_logged', fetch_result=True) -%}
        {{ merge_scope_table_ddl() }};
        {{ model_changes_table_ddl() }};
        select
            inputs.input,
            inputs.column_name,
            coalesce(inputs.recorded = inputs.now, false) as same,
            {{ _logged_change_of_input() }} as logged_as_key,
            inputs.is_text,
            (
                select count(*) from ops.merge_scope_builds
                where relation = {{ key }} and static_fingerprint = {{ sql_string(static) }}
                    and invocation_id = (select min(invocation_id) from ops.model_key_digests where relation = {{ key }})
            ) as recorded_inputs
        from ({{ checks | join("\nunion all ") }}) as inputs
        order by inputs.input
    {%- endcall %}
    {%- set rows = load_result('rebuild_by_key_logged').table.rows -%}
    {%- if rows[0][5] != keyed.inputs | length -%}
        {{ return({'why': "its last write recorded no inputs with its key digests"}) }}
    {%- endif -%}
    {%- set logged = [] -%}
    {%- set unknown = [] -%}
    {%- for input, column_name, same, logged_as_key, is_text, recorded_inputs in rows -%}
        {%- if not is_text -%}
            {%- do unknown.append(input ~ " (" ~ column_name ~ " is not text)") -%}
        {%- elif not same and logged_as_key is none -%}
            {%- do unknown.append(input) -%}
        {%- elif not same -%}
            {%- do logged.append(("select key_hash from ops.model_changed_keys where relation = " ~ sql_string(input))
                if logged_as_key else ("select value_hash from ops.model_changed_values where relation = "
                ~ sql_string(input) ~ " and column_name = " ~ sql_string(column_name))) -%}
        {%- endif -%}
    {%- endfor -%}
    {%- if unknown -%}
        {{ return({'why': "inputs changed other than by a logged write from what it read (" ~ unknown | join(', ') ~ ")"}) }}
    {%- endif -%}
    {{ return({'sql': logged | join(" union all ") if logged else "select cast(null as ubigint) where false"}) }}
{% endmacro %}
