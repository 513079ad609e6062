{#- The merge path of the `table` materialization (config `merge_changed_rows_by: <key
    column>`, for a contracted model whose rows each have one key): instead of writing the
    whole table again, the model's rows are compared with the table's by key - each row's
    hash, of the contract's column types - and only the keys whose row changed, appeared or
    disappeared are deleted and inserted, in the model's transaction. The result is the
    table a full build writes (the same rows; a DuckDB table has no row order). Returns the
    number of changed keys, or none - build whole, saying why in the log - when any of these
    does not hold: the table exists and has exactly the contract's column names, types and
    not_null constraints;
    no --full-refresh, --empty or --defer, no hooks; the key is unique and never NULL in both the
    model's rows and the table's; at most var `merge_changed_rows_max_share` (default 0.2)
    of the keys changed (more is cheaper written whole). Cost: one scan of the model's rows
    and one of the table to compare (writing the 3M rows of `fct_order_lines` at scale 10
    takes 3-4 s, comparing them 1.3 s), then the model's query once more for the changed
    keys. It leaves the temp table aethermart_content_delta (for _content_delta_counted: the
    table's content after, from the rows it deleted and inserted), in ops.model_changes the content it merged into and in
    ops.model_changed_keys the changed keys' hashes, so a data test that passed on the content
    before checks only those keys' rows (data_test_changed_rows_scope). `code`: the SQL the
    model is built from (default its compiled SQL). -#}
{% macro merge_changed_rows(existing_relation, target_relation, code=none, scope=none, static=none) %}
    {%- set key = config.get('merge_changed_rows_by') -%}
    {%- if not key or existing_relation is none or existing_relation.type != 'table' or should_full_refresh()
        or flags.EMPTY or invocation_args_dict.get('defer') or model.language != 'sql'
        or not (model.contract and model.contract.enforced) or model.config.get('pre-hook') or model.config.get('post-hook') -%}
        {{ return(none) }}
    {%- endif -%}
    {%- set declared = get_column_schema_from_query(get_empty_schema_sql(model.columns)) -%}
    {%- set existing = adapter.get_columns_in_relation(existing_relation) -%}
    {%- set wanted = [] -%}{%- set found = [] -%}
    {%- for column in declared -%}{%- do wanted.append([column.name | lower, column.dtype | upper]) -%}{%- endfor -%}
    {%- for column in existing -%}{%- do found.append([column.name | lower, column.dtype | upper]) -%}{%- endfor -%}
    {#- and the same NOT NULL constraints: a table written before a not_null constraint was
        declared would not enforce it on the rows merged into it -#}
    {%- set required = [] -%}
    {%- for name, column in model.columns.items() -%}
        {%- if column.constraints | selectattr('type', 'in', ['not_null', 'primary_key']) | list -%}{%- do required.append(name | lower) -%}{%- endif -%}
    {%- endfor -%}
    {% call statement('merge_changed_rows_not_null', fetch_result=True) -%}
        select coalesce(string_agg(lower(column_name), ',' order by lower(column_name)), '') from duckdb_columns()
        where database_name = {{ sql_string(existing_relation.database) }} and schema_name = {{ sql_string(existing_relation.schema) }}
            and table_name = {{ sql_string(existing_relation.identifier) }} and not is_nullable
    {%- endcall %}
    {%- set enforced = load_result('merge_changed_rows_not_null').table.rows[0][0] -%}
    {%- if wanted != found or (key | lower) not in (wanted | map('first') | list) or enforced != required | sort | join(',') -%}
        {{ log(model.name ~ ": the table's columns differ from the contract (names, types, NOT NULL): built whole", info=true) }}
        {{ return(none) }}
    {%- endif -%}
    {%- set casts = [] -%}
    {%- for column in declared -%}
        {%- do casts.append("cast(" ~ adapter.quote(column.name) ~ " as " ~ column.dtype ~ ") as " ~ adapter.quote(column.name)) -%}
    {%- endfor -%}
    {#- hash() of a row does not see a list's structure (NULL, [] and [NULL] hash alike); its text does -#}
    {%- set nested = modules.re.compile('\\[|\\b(STRUCT|MAP|UNION)\\b') -%}
    {%- set nested_columns = [] -%}
    {%- for column in wanted if nested.search(column[1]) -%}{%- do nested_columns.append(column[0]) -%}{%- endfor -%}
    {%- set row_hash = "hash(rows::varchar)" if nested_columns else "hash(rows)" -%}
    {%- set quoted_key = adapter.quote(key) -%}
    {%- set model_rows = "(select " ~ casts | join(", ") ~ " from (\n" ~ (code or compiled_code) ~ "\n) as model_subq)" -%}
    {%- set share = merge_changed_rows_max_share() -%}
    {#- with merge_scope: only the keys its inputs' merges touched, the model's rows of them computed once -#}
    {%- set scoped = merge_scope_plan(existing_relation, scope, static, model_rows, quoted_key) if scope is not none else none -%}
    {%- if scoped is not none -%}
        {{ log(model.name ~ ": " ~ scoped.why, info=true) }}
    {%- endif -%}
    {%- set compared_rows = "aethermart_scope_rows" if scoped is not none else model_rows -%}
    {%- set scope_filter = (" where hash(" ~ quoted_key ~ ") in (select key from aethermart_scope_keys)") if scoped is not none else "" -%}
    {#- keys are compared by their 64-bit hash (3M text keys: 1.3 s instead of 2.8 s); two
        keys with one hash look like one key twice: ambiguous, built whole -#}
    {% call statement('merge_changed_rows_plan', fetch_result=True) -%}
        create or replace temp table aethermart_changed_keys as
        with model_keys as (
            select hash({{ quoted_key }}) as key, count(*) as n, count({{ quoted_key }}) as keyed, min({{ row_hash }}) as h
            from {{ compared_rows }} as rows group by all
        ),
        table_keys as (
            select hash({{ quoted_key }}) as key, count(*) as n, count({{ quoted_key }}) as keyed, min({{ row_hash }}) as h
                {#- the sum of the rows' hashes, as _model_fingerprint_content counts the table: h
                    itself for a key of one row, unless h hashes the rows' text -#}
                {%- if nested_columns %}, sum(hash(rows)) as content{% endif %}
            from {{ existing_relation }} as rows{{ scope_filter }} group by all
        )
        select
            coalesce(model_keys.key, table_keys.key) as key,
            coalesce(model_keys.n, 0) as model_rows,
            coalesce(table_keys.n, 0) as table_rows,
            coalesce(model_keys.n, 0) > coalesce(model_keys.keyed, 0)
                or coalesce(table_keys.n, 0) > coalesce(table_keys.keyed, 0) as has_null_key,
            model_keys.h is distinct from table_keys.h as changed,
            table_keys.{{ 'content' if nested_columns else 'h' }} as table_content
        from model_keys full outer join table_keys on model_keys.key = table_keys.key;
        select
            count(*) filter (where has_null_key or model_rows > 1 or table_rows > 1) as ambiguous,
            count(*) filter (where changed) as changed,
            count(*) as keys,
            coalesce(sum(model_rows), 0) as model_row_count,
            coalesce(sum(table_rows), 0) as before_row_count,
            coalesce(sum(table_content), 0)::varchar as before_sum
        from aethermart_changed_keys
    {%- endcall %}
    {%- set ambiguous, changed, keys, model_row_count, before_row_count, before_sum = load_result('merge_changed_rows_plan').table.rows[0] -%}
    {%- if scoped is not none -%}
        {#- the keys compared are those the inputs' merges touched; the table holds the rest as its
            last write left them (checked by the plan), the content before is the recorded one -#}
        {%- set keys = scoped.row_count - before_row_count + model_row_count -%}
        {%- set before_row_count = scoped.row_count -%}
    {%- endif -%}
    {%- if ambiguous > 0 -%}
        {{ log(model.name ~ ": " ~ ambiguous ~ " keys of " ~ key ~ " are NULL or not unique: built whole", info=true) }}
        {{ return(none) }}
    {%- endif -%}
    {%- if changed > keys * share -%}
        {{ log(model.name ~ ": " ~ changed ~ " of " ~ keys ~ " keys changed (more than " ~ share ~ "): built whole", info=true) }}
        {{ return(none) }}
    {%- endif -%}
    {%- set names = [] -%}
    {%- for column in declared -%}{%- do names.append(adapter.quote(column.name)) -%}{%- endfor -%}
    {%- set relation_key = sql_string(_model_fingerprint_key(target_relation)) -%}
    {#- the values of the columns that readers' merge_scope names, in the changed keys' rows
        before the delete and after the insert (merge_scope_logged_columns) -#}
    {%- set logged_columns = merge_scope_logged_columns() -%}
    {%- set log_values = [] -%}
    {%- for column in logged_columns -%}
        {%- do log_values.append("select " ~ relation_key ~ ", " ~ sql_string(column) ~ ", hash(" ~ adapter.quote(column)
            ~ ") from " ~ target_relation ~ " where hash(" ~ quoted_key ~ ") in (select key from aethermart_changed_keys where changed)") -%}
    {%- endfor -%}
    {%- set log_values_sql = "insert into ops.model_changed_values (relation, column_name, value_hash)\n        "
        ~ log_values | join("\n        union all ") -%}
    {#- what the write removes and adds, for the table's content after it without a scan -#}
    {%- set delta = _content_delta_sql(target_relation,
        removed="select coalesce(sum(table_rows), 0) as row_count, coalesce(sum(table_content), 0) as hash_sum "
            ~ "from aethermart_changed_keys where changed",
        before=scoped.content if scoped is not none else before_row_count ~ ':' ~ before_sum) -%}
    {% call statement('merge_changed_rows_apply') -%}
        {{ model_changes_table_ddl() }};
        {{ merge_scope_table_ddl() }};
        delete from ops.model_changed_values where relation = {{ relation_key }};
        delete from ops.model_changed_columns where relation = {{ relation_key }};
        {%- if log_values %}
        {{ log_values_sql }};
        {%- endif %}
        {{ delta.before }};
        delete from {{ target_relation }}
        where hash({{ quoted_key }}) in (select key from aethermart_changed_keys where changed);
        insert into {{ target_relation }} ({{ names | join(", ") }})
        select {{ names | join(", ") }} from {{ compared_rows }} as rows
        where hash({{ quoted_key }}) in (select key from aethermart_changed_keys where changed and model_rows = 1);
        {{ delta.after }};
        {%- if log_values %}
        {{ log_values_sql }};
        {%- for column in logged_columns %}
        insert into ops.model_changed_columns (relation, column_name, invocation_id, is_key)
        values ({{ relation_key }}, {{ sql_string(column) }}, {{ sql_string(invocation_id) }}, false);
        {%- endfor %}
        {%- endif %}
        {#- what changed, for the tests that check only the changed keys' rows and for the
            readers' merge_scope: the content before (as _model_fingerprint_content counts it,
            from the plan's scan, or as recorded when only some keys were compared) and the
            changed keys' hashes; the content after is the one model_fingerprint_record
            records with this invocation -#}
        delete from ops.model_changed_keys where relation = {{ relation_key }};
        insert into ops.model_changed_keys (relation, key_hash)
        select {{ relation_key }}, key from aethermart_changed_keys where changed;
        insert into ops.model_changed_columns (relation, column_name, invocation_id, is_key)
        values ({{ relation_key }}, {{ sql_string(key | lower) }}, {{ sql_string(invocation_id) }}, true);
        delete from ops.model_changes where relation = {{ relation_key }};
        insert into ops.model_changes (relation, changed_keys, before_row_count, before_content, invocation_id)
        values ({{ relation_key }}, {{ changed }}, {{ before_row_count }},
            {{ sql_string(scoped.content) if scoped is not none
                else _model_fingerprint_content(existing_relation, before_row_count ~ ':' ~ before_sum) }},
            {{ sql_string(invocation_id) }});
        drop table aethermart_changed_keys
        {%- if scoped is not none -%}
        ;
        drop table aethermart_scope_keys;
        drop table aethermart_scope_rows
        {%- endif %}
    {%- endcall %}
    {{ log(model.name ~ ": " ~ changed ~ " of " ~ keys ~ " keys changed: merged their rows", info=true) }}
    {{ return(changed) }}
{% endmacro %}
