{% macro bronze_files_forget() %}
    {#- pre-hook of every bronze model: on an incremental run, delete the rows of files that
        changed or vanished since the model recorded them (a file whose identity is kept
        keeps its rows; under `--empty`, which reads no file, nothing is deleted) -#}
    {%- if not bronze_is_incremental_model() -%}{{ return('') }}{%- endif -%}
    {%- set statements = [bronze_file_state_ddl()] -%}
    {%- if is_incremental() and not flags.EMPTY -%}
        {%- set column = bronze_file_column() -%}
        {%- if _bronze_file_plan_incremental() -%}
            {%- do statements.append(
                "delete from " ~ this ~ " where " ~ column ~ " is null or " ~ column ~ " not in ("
                ~ "select listed.file_path from (" ~ _bronze_listed_files_sql() ~ ") as listed "
                ~ "where exists (" ~ _bronze_kept_file_sql('listed') ~ "))") -%}
        {%- else -%}
            {#- no usable record of what the rows came from, or changed code: read everything
                again, into the model's columns -#}
            {%- do statements.extend(_bronze_schema_sync()) -%}
            {%- do statements.append("delete from " ~ this) -%}
        {%- endif -%}
    {%- endif -%}
    {{ return(statements | join(";\n")) }}
{% endmacro %}
