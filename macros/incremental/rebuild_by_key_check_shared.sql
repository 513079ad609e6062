{#- Checks that a `rebuild_by_key` model's SQL with its shared inputs narrowed to their
    `shared_columns` (rebuild_by_key_code, what the table is built from) binds to the same
    output columns as the model's own SQL (`describe`, nothing runs): a column read but not
    listed stops the build with DuckDB's binder error naming it, or with this message when
    the output's columns differ. -#}
{% macro rebuild_by_key_check_shared(code) %}
    {%- if code == compiled_code -%}{{ return(none) }}{%- endif -%}
    {% call statement('rebuild_by_key_check_shared', fetch_result=True) -%}
        select
            (select list(column_name || ' ' || column_type) from (describe {{ compiled_code }}))
            = (select list(column_name || ' ' || column_type) from (describe {{ code }}))
    {%- endcall %}
    {%- if not load_result('rebuild_by_key_check_shared').table.rows[0][0] -%}
        {{ exceptions.raise_compiler_error(model.name ~ ": with its shared inputs narrowed to rebuild_by_key "
            ~ "shared_columns, the model's output columns differ: list every column it reads") }}
    {%- endif -%}
{% endmacro %}
