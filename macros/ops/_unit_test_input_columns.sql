{#- SQL for the md5 of the column names and types of the tables of this warehouse named like
    the models, seeds and snapshots a unit test depends on (the tested model and its inputs):
    dbt types a unit test's fixture rows by the columns of the real relations, so its outcome
    depends on them, not only on the code. Matched by name in every schema (a unit test's
    context has no graph to give the schema; a same-named table elsewhere only makes the test
    run more often); a table that does not exist contributes nothing. `unit_test`: the unit
    test's node. -#}
{% macro _unit_test_input_columns(unit_test) %}
    {%- set names = [] -%}
    {%- for unique_id in unit_test.depends_on.nodes | unique | sort
        if unique_id.split('.')[0] in ('model', 'seed', 'snapshot') -%}
        {%- do names.append(sql_string(unique_id.split('.')[-1] | lower)) -%}
    {%- endfor -%}
    {%- if not names -%}{{ return("''") }}{%- endif -%}
    {{ return("(select coalesce(md5(string_agg(lower(schema_name) || '.' || lower(table_name) || '.' || lower(column_name)"
        ~ " || ' ' || data_type, ',' order by lower(schema_name), lower(table_name), column_index)), '')"
        ~ " from duckdb_columns() where database_name = " ~ sql_string(target.database)
        ~ " and lower(table_name) in (" ~ names | join(", ") ~ "))") }}
{% endmacro %}
