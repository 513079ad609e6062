{#- Checks that a `rebuild_by_key` model reads only the listed `shared_columns` of its shared
    inputs: DuckDB binds the model's SQL with each such input narrowed to those columns
    (`describe`, nothing runs) and must find the same output columns; a column read but not
    listed stops the build with DuckDB's binder error naming it. Otherwise a change to an
    unlisted column would leave documents stale. -#}
{% macro rebuild_by_key_check_shared(keyed) %}
    {%- if not keyed.shared -%}{{ return(none) }}{%- endif -%}
    {%- set narrowed = [compiled_code] -%}
    {%- for unique_id, columns in keyed.shared.items() -%}
        {%- set node = graph.nodes[unique_id] -%}
        {%- set relation = api.Relation.create(database=node.database, schema=node.schema,
            identifier=node.alias or node.name) | string -%}
        {%- if relation not in narrowed[0] -%}
            {{ exceptions.raise_compiler_error(model.name ~ ": rebuild_by_key shared_columns: " ~ relation
                ~ " does not appear in the compiled SQL, so what it reads cannot be checked") }}
        {%- endif -%}
        {%- set quoted = [] -%}
        {%- for column in columns -%}{%- do quoted.append(adapter.quote(column)) -%}{%- endfor -%}
        {%- set only = "(select " ~ quoted | join(', ') ~ " from " ~ relation ~ ")" -%}
        {%- do narrowed.append(narrowed.pop().replace(relation, only)) -%}
    {%- endfor -%}
    {% call statement('rebuild_by_key_check_shared', fetch_result=True) -%}
        select
            (select list(column_name || ' ' || column_type) from (describe {{ compiled_code }}))
            = (select list(column_name || ' ' || column_type) from (describe {{ narrowed[0] }}))
    {%- endcall %}
    {%- if not load_result('rebuild_by_key_check_shared').table.rows[0][0] -%}
        {{ exceptions.raise_compiler_error(model.name ~ ": with its shared inputs narrowed to rebuild_by_key "
            ~ "shared_columns, the model's output columns differ: list every column it reads") }}
    {%- endif -%}
{% endmacro %}
