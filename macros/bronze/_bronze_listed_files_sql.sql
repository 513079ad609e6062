{% macro _bronze_listed_files_sql(source_name=none, table_name=none) %}
    {#- the landed files of the model's sources (or of one of them), from this build's listing -#}
    {%- set selected = [] -%}
    {%- set pairs = [] -%}
    {%- for pair in model.sources if (source_name is none or pair[0] == source_name) and (table_name is none or pair[1] == table_name) -%}
        {%- do selected.append(pair) -%}
        {%- do pairs.append(sql_string(pair[0] ~ '.' ~ pair[1])) -%}
    {%- endfor -%}
    {%- if not pairs -%}
        {{ return("select cast(null as varchar) as file_path, cast(null as bigint) as file_size, "
            ~ "cast(null as timestamptz) as file_modified_at where false") }}
    {%- endif -%}
    {%- set listing = ref('brz_landing__files') -%}
    {%- if 'model.' ~ project_name ~ '.brz_landing__files' not in (selected_resources or [])
        or load_relation(listing) is none -%}
        {#- this invocation does not list the files (`--select` without brz_landing__files, `dbt
            compile`, sqlfluff) or the listing was never built: list them now, so a selective
            build never reads an earlier build's listing -#}
        {{ return("select file_path, file_size, file_modified_at from (" ~ landing_files_query(selected) ~ ") as listed") }}
    {%- endif -%}
    {{ return("select file_path, file_size, file_modified_at from " ~ ref('brz_landing__files')
        ~ " where source_name || '.' || table_name in (" ~ pairs | join(", ") ~ ")") }}
{% endmacro %}
