{% macro _model_fingerprint_input(unique_id, by_content=false, compared=none) %}
    {#- a SQL expression (text) for the current state of one input of the model, or none
        when the input has no usable state; by_content: of a table model, the content hash
        recorded when it was written instead of who wrote it (a rebuild to the same content
        is no change: the `static` fingerprint of rebuild_by_key); compared: a list, given
        the input's relation key when the expression compares its content (the state is then
        NULL unless the table holds what was recorded) -#}
    {%- set node = graph.nodes.get(unique_id) -%}
    {%- if node is none -%}{{ return(none) }}{%- endif -%}
    {%- set relation = api.Relation.create(database=node.database, schema=node.schema,
        identifier=node.alias or node.name) -%}
    {%- set deferred = _model_fingerprint_deferred(node) -%}
    {%- if deferred is not none -%}
        {#- ref() reads the state's relation (--defer --favor-state, input not selected), not
            this target's: that relation's content, which needs no record of this warehouse -#}
        {%- if node.resource_type in ('seed', 'snapshot') or (node.resource_type == 'model'
            and node.config.materialized in ('table', 'bucketed_table', 'incremental')) -%}
            {%- if load_relation(deferred) is not none -%}
                {{ return("'deferred:' || " ~ _model_fingerprint_content(deferred)) }}
            {%- endif -%}
        {%- endif -%}
        {{ return(none) }}
    {%- endif -%}
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
            (a rebuild with the same inputs, e.g. --full-refresh, still counts as a change),
            while the table still holds what was recorded - its content is compared unless this
            invocation already did (it wrote the table, or kept it after comparing) -#}
        {%- set key = sql_string(_model_fingerprint_key(relation)) -%}
        {#- checked by this invocation: it wrote or kept the table, or a reader compared it -#}
        {%- set marks = adapter.get_relation(database=target.database, schema='ops', identifier='model_input_checks') -%}
        {%- set checked = run_query("select count(*) from ops.model_fingerprints where relation = " ~ key
            ~ " and checked_invocation_id = " ~ sql_string(invocation_id)
            ~ ((" union all select count(*) from ops.model_input_checks where relation = " ~ key
                ~ " and invocation_id = " ~ sql_string(invocation_id)) if marks is not none else "")
            ).columns[0].values() | sum > 0 -%}
        {%- if not checked and compared is not none -%}
            {%- do compared.append(_model_fingerprint_key(relation)) -%}
        {%- endif -%}
        {{ return("(select " ~ ("content_hash" if by_content else "fingerprint || ':' || invocation_id || ':' || row_count")
            ~ " from ops.model_fingerprints "
            ~ "where relation = " ~ key
            ~ " and row_count = (select count(*) from " ~ relation ~ ")"
            ~ ("" if checked else " and content_hash = " ~ _model_fingerprint_content(relation)) ~ ")") }}
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

{% macro _model_fingerprint_narrowed_input(unique_id, columns) %}
    {#- the state of an input the model reads only some columns of (config input_columns): the
        listed columns' content - row count, the sum of each row's text hash (the text tells
        NULL, [] and [NULL] apart, which a row's hash does not) - and their names and types
        (a name matched as DuckDB binds it, whatever its case: the text of 1 and '1' is the
        same); none when the input does not exist -#}
    {%- set node = graph.nodes[unique_id] -%}
    {%- set relation = api.Relation.create(database=node.database, schema=node.schema,
        identifier=node.alias or node.name) -%}
    {%- if load_relation(relation) is none -%}{{ return(none) }}{%- endif -%}
    {%- set quoted = [] -%}
    {%- set names = [] -%}
    {%- for column in columns -%}
        {%- do quoted.append(adapter.quote(column)) -%}
        {%- do names.append(sql_string(column | lower)) -%}
    {%- endfor -%}
    {{ return("((select count(*) || ':' || coalesce(sum(hash(input_rows::varchar)), 0) from (select "
        ~ quoted | join(', ') ~ " from " ~ relation ~ ") as input_rows) || ':' || "
        ~ "(select coalesce(md5(string_agg(column_name || ' ' || data_type, ',' order by column_index)), '-') "
        ~ "from duckdb_columns() where database_name = " ~ sql_string(node.database)
        ~ " and schema_name = " ~ sql_string(node.schema) ~ " and table_name = " ~ sql_string(node.alias or node.name)
        ~ " and lower(column_name) in (" ~ names | join(', ') ~ ")))") }}
{% endmacro %}
