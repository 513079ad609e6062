{% macro _bronze_schema_sync() %}
    {#- Part of bronze_files_forget, when every file is read again (the model's code or sources
        changed): the statements that give the existing table the model's columns, run before
        its rows are deleted (DuckDB refuses to commit an ALTER TABLE after a DELETE from the
        same table in one transaction). A new column is added, a removed one dropped, a retyped
        one emptied to its new type (its rows are read again). A model with pre-hooks of its
        own (the reject collectors, whose queries read the temporary tables those hooks make,
        after this one) is left as it is: its columns are the macros' and do not change with
        the sources YAML. -#}
    {%- set hooks = model.config.get('pre-hook') or model.config.get('pre_hook') or [] -%}
    {%- if hooks | length > 1 -%}{{ return([]) }}{%- endif -%}
    {%- set wanted = run_query("describe select * from (" ~ model.compiled_code ~ ") as model_rows") -%}
    {%- set existing = {} -%}
    {%- for column in adapter.get_columns_in_relation(this) -%}
        {%- do existing.update({column.name | lower: column}) -%}
    {%- endfor -%}
    {%- set statements = [] -%}
    {%- set kept = [] -%}
    {%- for row in wanted.rows -%}
        {%- set name, data_type = row[0], row[1] -%}
        {%- set quoted = adapter.quote(name) -%}
        {%- set column = existing.get(name | lower) -%}
        {%- do kept.append(name | lower) -%}
        {%- if column is none -%}
            {%- do statements.append("alter table " ~ this ~ " add column " ~ quoted ~ " " ~ data_type) -%}
        {%- elif column.dtype | upper != data_type | upper -%}
            {%- do statements.append("alter table " ~ this ~ " alter column " ~ quoted ~ " set data type "
                ~ data_type ~ " using cast(null as " ~ data_type ~ ")") -%}
        {%- endif -%}
    {%- endfor -%}
    {%- for name, column in existing.items() if name not in kept -%}
        {%- do statements.append("alter table " ~ this ~ " drop column " ~ adapter.quote(column.name)) -%}
    {%- endfor -%}
    {{ return(statements) }}
{% endmacro %}
