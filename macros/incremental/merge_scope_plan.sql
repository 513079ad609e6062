{#- Whether a merge of a model with `merge_scope` (spec from merge_scope_inputs) can compare
    only some keys, and which: none (compare the whole model, merge_changed_rows) unless
      * every input is this target's own relation, and the model's last write recorded what
        it read (ops.merge_scope_builds, merge_scope_record) under the same `static`
        fingerprint (code, config, contract, versions, the inputs' column names and types);
      * the table still holds what that write left (ops.model_fingerprints names it as the
        writer; row count and content compared now, and the text of its nested columns:
        _merge_scope_table_content);
      * each input either holds the content the model read, or its last write logged its
        changes (ops.model_changes: a merge, a rebuild by landed file or by extraction) from
        exactly that content, with the input's column this model names among the columns it
        logged (ops.model_changed_columns: as its key, whose hashes ops.model_changed_keys
        holds, or as values, ops.model_changed_values), and that column has the type of the
        model's column it stands for;
      * the keys found are at most var `merge_changed_rows_max_share` of the table's rows.
    The keys: an input's logged keys themselves when the column it names is the model's key;
    else those of the table's rows and of the model's rows that hold a value the input's write
    logged (64-bit hashes, as the writes log them). Then the temp table aethermart_scope_keys
    holds their hashes and aethermart_scope_rows the model's rows of those keys (cast as
    `model_rows` casts them), computed once, with every input whose named column is the
    model's key narrowed to those keys' rows (by the declaration the rows of a key depend only
    on them); returns {'row_count', 'content': the table's, 'why'}. When no input names the
    model's key, the model's rows are computed in one pass: those that hold a logged value
    and those of the keys the table's rows and the logs gave (a key has one row), whose keys
    complete the touched keys; the share is checked after it. -#}
{% macro merge_scope_plan(existing_relation, scope, static, model_rows, quoted_key) %}
    {%- if not scope.own or static is none -%}
        {{ return(none) }}
    {%- endif -%}
    {%- set key = sql_string(_model_fingerprint_key(this)) -%}
    {%- set checks = [] -%}
    {%- for unique_id, pair in scope.columns | dictsort -%}
        {%- set node = graph.nodes[unique_id] -%}
        {%- set relation = api.Relation.create(database=node.database, schema=node.schema, identifier=node.alias or node.name) -%}
        {%- set types = [] -%}
        {%- for table, column in [(relation, pair[0]), (existing_relation, pair[1])] -%}
            {%- do types.append("(select data_type from duckdb_columns() where database_name = " ~ sql_string(table.database)
                ~ " and schema_name = " ~ sql_string(table.schema) ~ " and table_name = " ~ sql_string(table.identifier)
                ~ " and lower(column_name) = " ~ sql_string(column | lower) ~ ")") -%}
        {%- endfor -%}
        {%- do checks.append("select " ~ sql_string(_model_fingerprint_key(relation)) ~ " as input, "
            ~ sql_string(pair[0] | lower) ~ " as column_name, " ~ sql_string(pair[1]) ~ " as model_column, "
            ~ "(select any_value(input_content) from ops.merge_scope_builds where relation = " ~ key
            ~ " and input_relation = " ~ sql_string(_model_fingerprint_key(relation)) ~ ") as recorded, "
            ~ _merge_scope_input_state(unique_id) ~ " as now, "
            ~ "coalesce(" ~ types[0] ~ " = " ~ types[1] ~ ", false) as same_type") -%}
    {%- endfor -%}
    {#- a table with nested columns: their text too (hash() of a row sees NULL, [] and [NULL] alike) -#}
    {%- set text_content = _merge_scope_table_content(existing_relation) -%}
    {% call statement('merge_scope_recorded', fetch_result=True) -%}
        {{ merge_scope_table_ddl() }};
        {{ model_changes_table_ddl() }};
        select
            (select count(*) from ops.merge_scope_builds as builds
                inner join ops.model_fingerprints as writer on writer.relation = builds.relation and writer.invocation_id = builds.invocation_id
                where builds.relation = {{ key }} and builds.static_fingerprint = {{ sql_string(static) }}) as same_builds,
            (select count(*) from ops.merge_scope_builds where relation = {{ key }}) as builds,
            (select any_value(row_count) from ops.model_fingerprints where relation = {{ key }}) as row_count,
            (select any_value(content_hash) from ops.model_fingerprints where relation = {{ key }}
                and row_count = (select count(*) from {{ existing_relation }})
                and content_hash = {{ _model_fingerprint_content(existing_relation) }}
                {%- if text_content is not none %}
                and (select any_value(table_content) from ops.merge_scope_builds where relation = {{ key }}) = {{ text_content }}
                {%- endif %}) as content
    {%- endcall %}
    {%- set same_builds, builds, row_count, content = load_result('merge_scope_recorded').table.rows[0] -%}
    {%- if builds != scope.inputs | length or same_builds != builds or content is none -%}
        {{ log(model.name ~ ": " ~ ("its last write recorded no inputs for merge_scope, or other inputs"
            if builds != scope.inputs | length
            else "its code, config, contract, versions or an input's columns changed since its last write" if same_builds != builds
            else "its table is not what its last write left") ~ ": compared whole", info=true) }}
        {{ return(none) }}
    {%- endif -%}
    {% call statement('merge_scope_inputs', fetch_result=True) -%}
        select
            inputs.input,
            inputs.column_name,
            inputs.model_column,
            coalesce(inputs.recorded = inputs.now, false) as same,
            {#- its last write logged its changes, from the content this model read into the content
                it holds now, with this column: as its key (ops.model_changed_keys) or its values -#}
            {{ _logged_change_of_input() }} as logged_as_key,
            inputs.same_type
        from ({{ checks | join("\nunion all ") }}) as inputs
        order by inputs.input
    {%- endcall %}
    {%- set changed = [] -%}
    {%- set unknown = [] -%}
    {%- for input, column_name, model_column, same, logged_as_key, same_type in load_result('merge_scope_inputs').table.rows -%}
        {%- if not same_type -%}
            {%- do unknown.append(input ~ " (" ~ column_name ~ " is missing or of another type than " ~ model_column ~ ")") -%}
        {%- elif not same and logged_as_key is none -%}
            {%- do unknown.append(input) -%}
        {%- elif not same -%}
            {%- do changed.append((input, column_name, model_column, logged_as_key)) -%}
        {%- endif -%}
    {%- endfor -%}
    {%- if unknown -%}
        {{ log(model.name ~ ": inputs changed other than by a logged write from what it read (" ~ unknown | join(', ')
            ~ "): compared whole", info=true) }}
        {{ return(none) }}
    {%- endif -%}
    {#- keys touched: an input's logged keys themselves when it names the model's key column;
        else the keys of the table's and the model's rows that hold a logged value -#}
    {%- set model_key = config.get('merge_changed_rows_by') | lower -%}
    {%- set direct = [] -%}
    {%- set predicates = [] -%}
    {%- for input, column_name, model_column, is_key in changed -%}
        {%- set logged = ("select key_hash from ops.model_changed_keys where relation = " ~ sql_string(input)) if is_key
            else ("select value_hash from ops.model_changed_values where relation = " ~ sql_string(input)
                ~ " and column_name = " ~ sql_string(column_name | lower)) -%}
        {%- if model_column | lower == model_key -%}
            {%- do direct.append(logged) -%}
        {%- else -%}
            {%- do predicates.append("hash(rows." ~ adapter.quote(model_column) ~ ") in (" ~ logged ~ ")") -%}
        {%- endif -%}
    {%- endfor -%}
    {%- set touched = ["select key from (" ~ direct | join(" union all ") ~ ") as logged(key)"] if direct else [] -%}
    {%- if predicates -%}
        {%- do touched.append("select hash(rows." ~ quoted_key ~ ") from " ~ existing_relation ~ " as rows where "
            ~ predicates | join(" or ")) -%}
    {%- endif -%}
    {#- inputs that name the model's key narrow the pass over the model's rows (below) -#}
    {%- set narrowing = [] -%}
    {%- for unique_id, pair in scope.columns | dictsort if pair[1] | lower == model_key -%}
        {%- do narrowing.append(unique_id) -%}
    {%- endfor -%}
    {#- no input narrows it: the model's rows that hold a logged value and those of the keys
        found so far, in one pass (their keys are the rest of the touched keys) -#}
    {%- set one_pass = predicates and not narrowing -%}
    {%- if predicates and not one_pass -%}
        {%- do touched.append("select hash(rows." ~ quoted_key ~ ") from " ~ model_rows ~ " as rows where "
            ~ predicates | join(" or ")) -%}
    {%- endif -%}
    {%- set share = merge_changed_rows_max_share() -%}
    {% call statement('merge_scope_plan', fetch_result=True) -%}
        create or replace temp table aethermart_scope_keys as
        select distinct key from ({{ touched | join("\n            union all\n            ") if touched
            else "select cast(null as ubigint) as key where false" }}) as touched(key);
        {%- if one_pass %}
        create or replace temp table aethermart_scope_rows as
        select * from {{ model_rows }} as rows
        where {{ predicates | join(" or ") }} or hash(rows.{{ quoted_key }}) in (select key from aethermart_scope_keys);
        insert into aethermart_scope_keys
        select distinct hash(rows.{{ quoted_key }}) from aethermart_scope_rows as rows
        where hash(rows.{{ quoted_key }}) not in (select key from aethermart_scope_keys);
        {%- endif %}
        select count(*) from aethermart_scope_keys
    {%- endcall %}
    {%- set keys = load_result('merge_scope_plan').table.rows[0][0] -%}
    {%- if keys > row_count * share -%}
        {{ log(model.name ~ ": its inputs' logged changes touch " ~ keys ~ " of its " ~ row_count ~ " keys (more than "
            ~ share ~ "): compared whole", info=true) }}
        {%- if one_pass -%}
            {% call statement('merge_scope_rows_dropped') -%}
                drop table aethermart_scope_rows
            {%- endcall %}
        {%- endif -%}
        {{ return(none) }}
    {%- endif -%}
    {%- if one_pass -%}
        {{ return({'row_count': row_count, 'content': content, 'why': _merge_scope_why(changed, keys)}) }}
    {%- endif -%}
    {#- the model's rows of those keys, from its inputs that name its key narrowed to those keys:
        by the declaration a row depends only on their rows of its own key -#}
    {%- set narrowed = [model_rows] -%}
    {%- for unique_id, pair in scope.columns | dictsort if pair[1] | lower == model_key -%}
        {%- set relation = scope.reads[unique_id] -%}
        {#- only where the SQL reads it as a table (after FROM or JOIN): a column qualified by the
            relation's name, or its name in a literal, would be rewritten too - such an input is
            read whole (the same rows, computed from more) -#}
        {%- set read_as_table = modules.re.findall('(?i)\\b(?:from|join)\\s+' ~ modules.re.escape(relation), narrowed[0]) -%}
        {%- if read_as_table | length == narrowed[0].count(relation) -%}
            {%- do narrowed.append(narrowed.pop().replace(relation, "(select * from " ~ relation ~ " as scoped_input where hash(scoped_input."
                ~ adapter.quote(pair[0]) ~ ") in (select key from aethermart_scope_keys))")) -%}
        {%- else -%}
            {{ log(model.name ~ ": " ~ relation ~ " appears in its SQL other than after FROM or JOIN: read whole", info=true) }}
        {%- endif -%}
    {%- endfor -%}
    {% call statement('merge_scope_rows') -%}
        create or replace temp table aethermart_scope_rows as
        select * from {{ narrowed[0] }} as rows
        where hash(rows.{{ quoted_key }}) in (select key from aethermart_scope_keys)
    {%- endcall %}
    {{ return({'row_count': row_count, 'content': content, 'why': _merge_scope_why(changed, keys)}) }}
{% endmacro %}

{#- merge_scope_plan's log text: which inputs' logged changes scoped the merge, to how many keys -#}
{% macro _merge_scope_why(changed, keys) %}
    {%- set names = [] -%}
    {%- for input, column_name, model_column, is_key in changed -%}{%- do names.append(input ~ " (" ~ column_name ~ ")") -%}{%- endfor -%}
    {{ return((names | join(', ') if names else 'no input') ~ " changed since its last write, and logged how: compared only the "
        ~ keys ~ " keys those changes touch") }}
{% endmacro %}
