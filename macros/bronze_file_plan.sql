{#- Bronze is incremental by landed file. A file's identity is its path, size and
    last-modified time, listed without reading it (`brz_landing__files`, DuckDB's
    `read_blob` metadata). Each bronze model records in ops.bronze_file_state the identity
    of every file its rows come from (`bronze_files_record`, a post-hook in the model's
    transaction). On an incremental run a model keeps the rows of files whose identity is
    unchanged, deletes the rows of changed and removed files (`bronze_files_forget`, a
    pre-hook in the same transaction) and reads only the new and changed files: the files
    this macro returns. A full refresh (or a model without recorded files, or one whose
    code, sources or landing path changed: its fingerprint) reads every listed file. -#}
{% macro bronze_file_plan(source_name=none, table_name=none) %}
    {%- if not execute -%}
        {{ return([]) }}
    {%- endif -%}
    {%- set listed = _bronze_listed_files_sql(source_name, table_name) -%}
    {%- if _bronze_file_plan_incremental() -%}
        {%- set query = "select listed.file_path from (" ~ listed ~ ") as listed "
            ~ "where not exists (" ~ _bronze_kept_file_sql('listed') ~ ") order by listed.file_path" -%}
    {%- else -%}
        {%- set query = "select listed.file_path from (" ~ listed ~ ") as listed order by listed.file_path" -%}
    {%- endif -%}
    {{ return(run_query(query).columns[0].values() | list) }}
{% endmacro %}


{% macro bronze_file_column() %}
    {#- the column of a bronze model that names a row's landed file -#}
    {{ return('file_path' if model.name.endswith('__counted_files') else '_source_file') }}
{% endmacro %}


{% macro bronze_file_fingerprint() %}
    {#- what, besides the files, a model's rows depend on: its code, the rendered reader
        calls and meta of its sources (mappings, file names), the landing path and the
        enabled source systems; a change reads every file again -#}
    {%- set parts = [model.checksum.checksum if model.checksum is defined else '', landing_path(),
        enabled_sources() | join(',')] -%}
    {%- for pair in model.sources | sort -%}
        {%- set node = graph.sources.values()
            | selectattr('source_name', 'equalto', pair[0])
            | selectattr('name', 'equalto', pair[1]) | first -%}
        {%- do parts.append(pair | join('.') ~ ':' ~ (source(pair[0], pair[1]) | string) ~ ':'
            ~ tojson(node.meta) ~ ':' ~ (node.columns.keys() | join(','))) -%}
    {%- endfor -%}
    {{ return(local_md5(parts | join('|'))) }}
{% endmacro %}


{% macro _bronze_file_plan_incremental() %}
    {#- incremental: the table exists, no --full-refresh, and its files were recorded
        with the same fingerprint -#}
    {%- if not is_incremental() -%}{{ return(false) }}{%- endif -%}
    {%- set recorded = run_query(
        "select count(*) from information_schema.tables where table_catalog = current_database() "
        ~ "and table_schema = 'ops' and table_name = 'bronze_file_state'"
    ).columns[0].values()[0] -%}  {#- this warehouse's: `dbt clone`'s target attaches another -#}
    {%- if not recorded -%}{{ return(false) }}{%- endif -%}
    {%- set same = run_query(
        "select count(*) from ops.bronze_file_state where model = " ~ sql_string(model.name)
        ~ " and fingerprint = " ~ sql_string(bronze_file_fingerprint())).columns[0].values()[0] -%}
    {{ return(same > 0) }}
{% endmacro %}


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


{% macro _bronze_kept_file_sql(listed_alias) %}
    {#- a correlated subquery: the listed file is recorded for this model, unchanged -#}
    {{ return("select 1 from ops.bronze_file_state as recorded where recorded.model = " ~ sql_string(model.name)
        ~ " and recorded.fingerprint = " ~ sql_string(bronze_file_fingerprint())
        ~ " and recorded.file_path = " ~ listed_alias ~ ".file_path"
        ~ " and recorded.file_size = " ~ listed_alias ~ ".file_size"
        ~ " and recorded.file_modified_at = " ~ listed_alias ~ ".file_modified_at") }}
{% endmacro %}


{% macro bronze_file_state_ddl() %}
    {#- ops.bronze_file_state (the identities of the files each bronze model's rows came from)
        and ops.bronze_file_reads (what each run read). Created by on-run-start, once, before
        models run in parallel (with threads > 1, two transactions creating one table
        conflict); each pre-hook repeats it as a no-op for commands without hooks. -#}
    {{ return("create schema if not exists ops;\n"
        ~ "create table if not exists ops.bronze_file_state (model varchar not null, file_path varchar not null, "
        ~ "file_size bigint, file_modified_at timestamptz, fingerprint varchar, recorded_by varchar);\n"
        ~ "create table if not exists ops.bronze_file_reads (invocation_id varchar not null, model varchar not null, "
        ~ "file_path varchar not null, file_size bigint, file_modified_at timestamptz, is_full_refresh boolean)") }}
{% endmacro %}


{% macro bronze_files_forget() %}
    {#- pre-hook of every bronze model: on an incremental run, delete the rows of files that
        changed or vanished since the model recorded them (a file whose identity is kept
        keeps its rows) -#}
    {%- if not bronze_is_incremental_model() -%}{{ return('') }}{%- endif -%}
    {%- set statements = [bronze_file_state_ddl()] -%}
    {%- if is_incremental() -%}
        {%- set column = bronze_file_column() -%}
        {%- if _bronze_file_plan_incremental() -%}
            {%- do statements.append(
                "delete from " ~ this ~ " where " ~ column ~ " is null or " ~ column ~ " not in ("
                ~ "select listed.file_path from (" ~ _bronze_listed_files_sql() ~ ") as listed "
                ~ "where exists (" ~ _bronze_kept_file_sql('listed') ~ "))") -%}
        {%- else -%}
            {#- no usable record of what the rows came from: read everything again -#}
            {%- do statements.append("delete from " ~ this) -%}
        {%- endif -%}
    {%- endif -%}
    {{ return(statements | join(";\n")) }}
{% endmacro %}


{% macro bronze_files_record() %}
    {#- post-hook of every bronze model, in its transaction: the files read this run
        (ops.bronze_file_reads, the proof that an unchanged landing zone reads nothing),
        then the identities of every listed file, which the rows now match -#}
    {%- if not bronze_is_incremental_model() -%}{{ return('') }}{%- endif -%}
    {%- set full = not _bronze_file_plan_incremental() -%}
    {%- set listed = _bronze_listed_files_sql() -%}
    {%- set statements = [
        "insert into ops.bronze_file_reads select " ~ sql_string(invocation_id) ~ ", " ~ sql_string(model.name)
        ~ ", listed.file_path, listed.file_size, listed.file_modified_at, " ~ full ~ " from (" ~ listed ~ ") as listed"
        ~ ("" if full else " where not exists (" ~ _bronze_kept_file_sql('listed') ~ ")"),
        "delete from ops.bronze_file_state where model = " ~ sql_string(model.name),
        "insert into ops.bronze_file_state select " ~ sql_string(model.name) ~ ", file_path, file_size, file_modified_at, "
        ~ sql_string(bronze_file_fingerprint()) ~ ", " ~ sql_string(invocation_id) ~ " from (" ~ listed ~ ") as listed",
    ] -%}
    {{ return(statements | join(";\n")) }}
{% endmacro %}


{% macro bronze_is_incremental_model() %}
    {#- the model being built is an incremental bronze model (reads by file plan) -#}
    {{ return(execute and model is defined and model.config is defined
        and model.config.get('materialized') == 'incremental' and model.name.startswith('brz_')) }}
{% endmacro %}


{% macro landing_location_with_paths(location, paths) %}
    {#- a source's reader call (its rendered external_location) over a list of files in
        place of its glob -#}
    {%- set quoted = [] -%}
    {%- for path in paths -%}{%- do quoted.append(sql_string(path)) -%}{%- endfor -%}
    {{ return(location.replace(sql_string(landing_location_glob(location)), "[" ~ quoted | join(", ") ~ "]", 1)) }}
{% endmacro %}
