{#- Bronze is incremental by landed file. A file's identity is its path, size and
    last-modified time, listed without reading it (`brz_landing__files`, DuckDB's
    `read_blob` metadata). Each bronze model records in ops.bronze_file_state the identity
    of every file its rows come from (`bronze_files_record`, a post-hook in the model's
    transaction). On an incremental run a model keeps the rows of files whose identity is
    unchanged, deletes the rows of changed and removed files (`bronze_files_forget`, a
    pre-hook in the same transaction) and reads only the new and changed files: the files
    this macro returns. A full refresh (or a model without recorded files, or one whose
    code, sources or landing path changed: its fingerprint) reads every listed file. Under
    `--empty` (dbt's schema check, which reads no rows) it reads no file: an existing table
    keeps its rows and its record (bronze_files_forget, bronze_files_record). -#}
{% macro bronze_file_plan(source_name=none, table_name=none) %}
    {%- if not execute or flags.EMPTY -%}
        {{ return([]) }}
    {%- endif -%}
    {%- set memo = node_memo() -%}
    {%- set key = 'bronze_file_plan:' ~ tojson([source_name, table_name]) -%}
    {%- if key in memo -%}{{ return(memo[key]) }}{%- endif -%}
    {%- set listed = _bronze_listed_files_sql(source_name, table_name) -%}
    {%- if _bronze_file_plan_incremental() -%}
        {%- set query = "select listed.file_path from (" ~ listed ~ ") as listed "
            ~ "where not exists (" ~ _bronze_kept_file_sql('listed') ~ ") order by listed.file_path" -%}
    {%- else -%}
        {%- set query = "select listed.file_path from (" ~ listed ~ ") as listed order by listed.file_path" -%}
    {%- endif -%}
    {%- do memo.update({key: run_query(query).columns[0].values() | list}) -%}
    {{ return(memo[key]) }}
{% endmacro %}
