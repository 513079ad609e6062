{#- SQL (text) of what a model with `rebuild_by_extraction` depends on besides its keys' bronze
    rows, the list of extractions and its parents' keys: the fingerprint's base
    (_model_fingerprint_base) of its SQL without the replaced key ranges (every delta changes
    those literals; the list of extractions is compared apart), the bronze input's column
    names and types (a row's hash is positional) and every other ref's content (a seed). NULL
    when one of them has no state. -#}
{% macro _rebuild_by_extraction_static(spec) %}
    {%- set code = modules.re.sub('/\\* aethermart: replaced key ranges \\*/.*?/\\* aethermart: end of replaced key ranges \\*/',
        '', compiled_code, flags=modules.re.S) -%}
    {%- set parts = ["'rebuild-by-extraction-v1'"] + _model_fingerprint_base(code) -%}
    {%- set node = graph.nodes[spec.input] -%}
    {%- do parts.append("(select coalesce(md5(string_agg(column_name || ' ' || data_type, ',' order by column_index)), '-')"
        ~ " from duckdb_columns() where database_name = " ~ sql_string(node.database) ~ " and schema_name = "
        ~ sql_string(node.schema) ~ " and table_name = " ~ sql_string(node.alias or node.name) ~ ")") -%}
    {%- for unique_id in spec.shared -%}
        {%- set input = _model_fingerprint_input(unique_id, by_content=true) -%}
        {%- if input is none -%}{{ return("cast(null as varchar)") }}{%- endif -%}
        {%- do parts.append(sql_string(unique_id)) -%}
        {%- do parts.append(input) -%}
    {%- endfor -%}
    {{ return("md5(concat_ws('|', " ~ parts | join(", ") ~ "))") }}
{% endmacro %}
