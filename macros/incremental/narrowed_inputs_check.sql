{#- Checks that the model's SQL with some inputs narrowed to listed columns
    (narrowed_inputs_code, what the table is built from) binds to the same output columns as
    the model's own SQL (`describe`, nothing runs): a column read but not listed stops the
    build with DuckDB's binder error naming it, or with this message when the output's
    columns differ. `config_name` names the config that lists the columns. (Each SQL ends on
    its own line: a model's last line may be a `--` comment.) -#}
{% macro narrowed_inputs_check(code, config_name) %}
    {%- if code == compiled_code -%}{{ return(none) }}{%- endif -%}
    {% call statement('narrowed_inputs_check', fetch_result=True) -%}
        select
            (select list(column_name || ' ' || column_type) from (describe {{ compiled_code }}
            ))
            = (select list(column_name || ' ' || column_type) from (describe {{ code }}
            ))
    {%- endcall %}
    {%- if not load_result('narrowed_inputs_check').table.rows[0][0] -%}
        {{ exceptions.raise_compiler_error(model.name ~ ": with its inputs narrowed to " ~ config_name
            ~ ", the model's output columns differ: list every column it reads") }}
    {%- endif -%}
{% endmacro %}
