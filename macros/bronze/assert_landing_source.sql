{#- Structural checks on the files behind a landing source, run when the bronze model
    (or the rejects model) builds. Stops the build with one line naming the file and the
    problem when:
      - the landing path holds a glob character or a control character,
      - an entry the source's location matches is a symbolic link, not a regular file (or
        folder), or has a name DuckDB cannot read back safely (glob characters, control
        characters, bytes that are not UTF-8) - checked by the plugin
        aethermart.dbt_plugins.landing_guard with lstat, before any file is opened,
      - no file matches the source's location (unless the table is meta.optional),
      - a file's path below the landing root is not exactly the source's layout with a
        valid date / extraction id in its partition folder,
      - a CSV header is not UTF-8, lacks a required column, has one the YAML neither maps
        nor ignores, or has two headers for one column (`landing_file_layouts`; columns may
        come in any order),
      - a POS drop folder lacks this entity's file,
      - a Parquet file lacks a declared column, or files disagree on a column's type.
    Logs a note for files in a POS drop that no source reads. Paths reach SQL only through
    `sql_string`; file contents and names reach messages only through `escaped_excerpt`.
    Returns true when files exist, false for an optional source without files and for a
    source whose system is switched off (var enabled_sources), which is never checked. -#}
{% macro assert_landing_source(source_name, table_name) %}
    {%- if not execute -%}
        {{ return(true) }}
    {%- endif -%}
    {%- if not source_enabled(source_name) -%}
        {{ return(false) }}
    {%- endif -%}
    {%- set root = landing_path() -%}
    {%- if modules.re.search('[*?\[\]\x00-\x1f\x7f]', root) -%}
        {{ exceptions.raise_compiler_error("The landing path " ~ escaped_excerpt(root, 200) ~ " contains a glob character (* ? [ ]) or a control character; use a path without them.") }}
    {%- endif -%}
    {%- set node = graph.sources.values()
        | selectattr('source_name', 'equalto', source_name)
        | selectattr('name', 'equalto', table_name) | first -%}
    {%- set pattern = landing_source_glob(source_name, table_name) -%}
    {%- if not pattern.startswith(root ~ '/') -%}
        {{ exceptions.raise_compiler_error("Source " ~ source_name ~ "." ~ table_name ~ " reads " ~ escaped_excerpt(pattern, 200) ~ ", not a path under the landing path " ~ escaped_excerpt(root, 200) ~ ".") }}
    {%- endif -%}
    {%- set relative = pattern[root | length + 1:] -%}
    {{ _assert_landing_entries(root, relative) }}
    {%- set checked = run_query(
        "select file, aethermart_landing_file_problem(file, " ~ relative.split('/') | length ~ ") "
        ~ "from glob(" ~ sql_string(pattern) ~ ") order by file") -%}
    {%- set problems = [] -%}
    {%- for row in checked.rows if row[1] -%}{%- do problems.append(row[1]) -%}{%- endfor -%}
    {%- if problems -%}
        {#- the walk above sees these first; this guards what glob() lists, e.g. after a race -#}
        {{ exceptions.raise_compiler_error(
            problems[0] ~ (" (" ~ problems | length ~ " entries with problems in all)" if problems | length > 1 else "")) }}
    {%- endif -%}
    {%- set files = checked.columns[0].values() -%}
    {%- if files | length == 0 -%}
        {%- if node.meta.get('optional', false) -%}
            {{ log("note: optional source " ~ source_name ~ "." ~ table_name ~ " has no files at " ~ escaped_excerpt(pattern, 200) ~ "; bronze is empty", info=true) }}
            {{ return(false) }}
        {%- endif -%}
        {{ exceptions.raise_compiler_error(missing_landing_files_message()) }}
    {%- endif -%}
    {{ _assert_partition_folders(files, node.meta.landing_format) }}
    {%- set expected = node.columns.keys() | list -%}
    {%- set landing_format = node.meta.get('landing_format') -%}
    {%- set read = files -%}
    {%- if bronze_is_incremental_model() -%}
        {#- incremental bronze: the checks that open files, on the files this run reads -#}
        {%- set read = bronze_file_plan(source_name, table_name) -%}
    {%- endif -%}
    {%- if landing_format == 'csv' -%}
        {%- do landing_file_layouts(source_name, table_name, read) -%}
        {%- if node.meta.get('drop_entity') -%}
            {{ _assert_complete_drops(node, files, pattern) }}
        {%- endif -%}
    {%- elif landing_format == 'parquet' and read -%}
        {{ _assert_parquet_columns(node, pattern if read is sameas files else "[" ~ _sql_strings(read) ~ "]", expected, quoted=read is not sameas files) }}
    {%- endif -%}
    {{ return(true) }}
{% endmacro %}
