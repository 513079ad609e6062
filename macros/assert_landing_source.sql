{#- Structural checks on the files behind a landing source, run when the bronze model
    builds. Stops the build with a message naming the file and the problem when:
      - no file matches the source's location (unless the table is meta.optional),
      - a CSV header lacks a declared column, has an unexpected one, or has them in
        another order (DuckDB maps CSV columns by position),
      - a POS drop folder lacks this entity's file,
      - a Parquet file lacks a declared column.
    Returns true when files exist, false for an optional source without files. -#}
{% macro assert_landing_source(source_name, table_name) %}
    {%- if not execute -%}
        {{ return(true) }}
    {%- endif -%}
    {%- set node = graph.sources.values()
        | selectattr('source_name', 'equalto', source_name)
        | selectattr('name', 'equalto', table_name) | first -%}
    {%- set location = node.meta.external_location -%}
    {%- set pattern = modules.re.search("\(\s*'([^']+)'", location).group(1) -%}
    {%- set files = run_query("select file from glob('" ~ pattern ~ "') order by file").columns[0].values() -%}
    {%- if files | length == 0 -%}
        {%- if node.meta.get('optional', false) -%}
            {{ log("note: optional source " ~ source_name ~ "." ~ table_name ~ " has no files at " ~ pattern ~ "; bronze is empty", info=true) }}
            {{ return(false) }}
        {%- endif -%}
        {{ exceptions.raise_compiler_error(
            "Landing files missing for required source " ~ source_name ~ "." ~ table_name
            ~ ": nothing matches '" ~ pattern ~ "'. Check the landing path (var landing_path / "
            ~ "AETHERMART_LANDING = '" ~ landing_path() ~ "') or generate data with "
            ~ "`aethermart generate`.") }}
    {%- endif -%}
    {%- set expected = node.columns.keys() | list -%}
    {%- set landing_format = node.meta.get('landing_format') -%}
    {%- if landing_format == 'csv' -%}
        {{ _assert_csv_headers(node, files, expected) }}
        {%- if node.meta.get('drop_entity') -%}
            {{ _assert_complete_drops(node, files) }}
        {%- endif -%}
    {%- elif landing_format == 'parquet' -%}
        {{ _assert_parquet_columns(node, pattern, expected) }}
    {%- endif -%}
    {{ return(true) }}
{% endmacro %}


{% macro _assert_csv_headers(node, files, expected) %}
    {%- set wanted = expected | map('lower') | list -%}
    {%- for file in files -%}
        {#- The first line only; ignore_errors so that a bad byte further down cannot stop it. -#}
        {%- set first = run_query(
            "select header_line from read_csv('" ~ file ~ "', header=false, auto_detect=false, "
            ~ "columns={'header_line': 'VARCHAR'}, delim=e'\\x1f', quote='', escape='', "
            ~ "strict_mode=false, ignore_errors=true) limit 1").columns[0].values() -%}
        {%- set line = (first[0] if first | length else '') or '' -%}
        {%- set line = line.replace('\ufeff', '').replace('\r', '') -%}
        {%- set header = [] -%}
        {%- for name in line.split(',') if line | trim -%}
            {%- do header.append(name | trim | replace('"', '') | lower) -%}
        {%- endfor -%}
        {%- set missing = wanted | reject('in', header) | list -%}
        {%- set extra = header | reject('in', wanted) | list -%}
        {%- if missing -%}
            {{ exceptions.raise_compiler_error(
                "CSV file " ~ file ~ " is missing required column(s) " ~ missing | join(', ')
                ~ " (header: " ~ (header | join(',') or 'empty file') ~ "; expected: "
                ~ expected | join(',') ~ ").") }}
        {%- elif extra -%}
            {{ exceptions.raise_compiler_error(
                "CSV file " ~ file ~ " has unexpected column(s) " ~ extra | join(', ')
                ~ " (expected exactly: " ~ expected | join(',') ~ "). The export format "
                ~ "changed: declare the column in the source YAML and the bronze model, "
                ~ "or fix the export.") }}
        {%- elif header != wanted -%}
            {{ exceptions.raise_compiler_error(
                "CSV file " ~ file ~ " has its columns in another order (header: "
                ~ header | join(',') ~ "; expected: " ~ expected | join(',') ~ ").") }}
        {%- endif -%}
    {%- endfor -%}
{% endmacro %}


{% macro _assert_complete_drops(node, files) %}
    {%- set entity_file = node.meta.drop_entity ~ '.csv' -%}
    {%- set drop_glob = files[0].split('/load_date=')[0] ~ '/load_date=*/*.csv' -%}
    {%- set all_files = run_query("select file from glob('" ~ drop_glob ~ "') order by file").columns[0].values() -%}
    {%- set folders = [] -%}
    {%- for file in all_files -%}
        {%- set folder = file.rsplit('/', 1)[0] -%}
        {%- if folder not in folders -%}{%- do folders.append(folder) -%}{%- endif -%}
    {%- endfor -%}
    {%- for folder in folders -%}
        {%- if (folder ~ '/' ~ entity_file) not in files -%}
            {{ exceptions.raise_compiler_error(
                "POS drop " ~ folder ~ " has no " ~ entity_file ~ ": every drop must contain "
                ~ "all entity files (a header-only file when there is nothing to send).") }}
        {%- endif -%}
    {%- endfor -%}
{% endmacro %}


{% macro _assert_parquet_columns(node, pattern, expected) %}
    {%- set found = run_query(
        "select file_name, string_agg(lower(name), ',') as names from parquet_schema('" ~ pattern ~ "') "
        ~ "group by file_name order by file_name") -%}
    {%- for row in found.rows -%}
        {%- set names = row[1].split(',') -%}
        {%- set missing = expected | map('lower') | reject('in', names) | list -%}
        {%- if missing -%}
            {{ exceptions.raise_compiler_error(
                "Parquet file " ~ row[0] ~ " is missing required column(s) "
                ~ missing | join(', ') ~ ".") }}
        {%- endif -%}
    {%- endfor -%}
{% endmacro %}
