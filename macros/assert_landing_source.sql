{#- Structural checks on the files behind a landing source, run when the bronze model
    (or the rejects model) builds. Stops the build with a message naming the file and the
    problem when:
      - no file matches the source's location (unless the table is meta.optional),
      - a file sits in a partition folder whose value is not a valid date / extraction id,
      - a CSV header is not UTF-8, lacks a declared column, has an unexpected one, or has
        them in another order (DuckDB maps CSV columns by position),
      - a POS drop folder lacks this entity's file,
      - a Parquet file lacks a declared column, or files disagree on a column's type.
    Logs a note for files in a POS drop that no source reads.
    Returns true when files exist, false for an optional source without files. -#}
{% macro assert_landing_source(source_name, table_name) %}
    {%- if not execute -%}
        {{ return(true) }}
    {%- endif -%}
    {%- if "'" in landing_path() -%}
        {{ exceptions.raise_compiler_error("The landing path " ~ landing_path() ~ " contains a single quote ('); use a path without one.") }}
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
    {{ _assert_partition_folders(files, node.meta.landing_format) }}
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


{% macro _assert_partition_folders(files, landing_format) %}
    {#- the hive folder a file sits in must carry a valid value: bronze casts it -#}
    {%- set rules = {
        'csv': ['load_date=(\d{4}-\d{2}-\d{2})/', 'load_date=YYYY-MM-DD'],
        'jsonl': ['/date=(\d{4}-\d{2}-\d{2})/', 'date=YYYY-MM-DD'],
        'parquet': ['extraction_id=(\d{8}T\d{6}Z)/', 'extraction_id=YYYYMMDDTHHMMSSZ'],
    } -%}
    {%- set rule = rules[landing_format] -%}
    {%- for file in files -%}
        {%- set found = modules.re.search(rule[0], file) -%}
        {%- if not found or not _is_calendar_date(found.group(1)) -%}
            {{ exceptions.raise_compiler_error(
                "File " ~ file ~ " is not in a folder named " ~ rule[1]
                ~ " with a valid value; move it into one (bronze reads the value from the folder name).") }}
        {%- endif -%}
    {%- endfor -%}
{% endmacro %}


{% macro _is_calendar_date(text) %}
    {#- true when the text starts with a real date as YYYY-MM-DD or YYYYMMDD -#}
    {%- set parts = modules.re.match('(\d{4})-?(\d{2})-?(\d{2})', text) -%}
    {%- if not parts -%}{{ return(false) }}{%- endif -%}
    {%- set y, m, d = parts.group(1) | int, parts.group(2) | int, parts.group(3) | int -%}
    {%- if m < 1 or m > 12 or d < 1 -%}{{ return(false) }}{%- endif -%}
    {%- set leap = (y % 4 == 0 and y % 100 != 0) or y % 400 == 0 -%}
    {%- set days = [31, 29 if leap else 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31][m - 1] -%}
    {{ return(d <= days) }}
{% endmacro %}


{% macro _assert_csv_headers(node, files, expected) %}
    {%- set wanted = expected | map('lower') | list -%}
    {%- for file in files -%}
        {#- The first line that parses; ignore_errors so a bad byte further down cannot stop
            the check (a bad first line is diagnosed below, on the error path only). -#}
        {%- set first = run_query(
            "select header_line from read_csv('" ~ file ~ "', header=false, auto_detect=false, "
            ~ "columns={'header_line': 'VARCHAR'}, delim=e'\\x1f', quote='', escape='', "
            ~ "strict_mode=false, ignore_errors=true) limit 1").columns[0].values() -%}
        {%- set line = (first[0] if first | length else '') or '' -%}
        {%- set line = line.replace('\ufeff', '').replace('\r', '') -%}
        {%- set shown = [] -%}
        {%- for name in line.split(',') if line | trim -%}
            {%- do shown.append(name | trim | replace('"', '')) -%}
        {%- endfor -%}
        {%- set header = shown | map('lower') | list -%}
        {%- set missing = [] -%}
        {%- for column in expected if column | lower not in header -%}{%- do missing.append(column) -%}{%- endfor -%}
        {%- set extra = [] -%}
        {%- for column in shown if column | lower not in wanted -%}{%- do extra.append(column) -%}{%- endfor -%}
        {%- if missing and _first_line_rejected(file) -%}
            {{ exceptions.raise_compiler_error("CSV file " ~ file ~ " has a header line that is not valid UTF-8 (expected: " ~ expected | join(',') ~ ").") }}
        {%- elif missing -%}
            {{ exceptions.raise_compiler_error(
                "CSV file " ~ file ~ " is missing required column(s) " ~ missing | join(', ')
                ~ " (header: " ~ (shown | join(',') or 'empty file') ~ "; expected: "
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
                ~ shown | join(',') ~ "; expected: " ~ expected | join(',') ~ ").") }}
        {%- endif -%}
    {%- endfor -%}
{% endmacro %}


{% macro _first_line_rejected(file) %}
    {#- scans the whole file with stored rejects: is line 1 (the header) unreadable? -#}
    {%- set result = run_query(
        "select count(*) from read_csv('" ~ file ~ "', header=false, auto_detect=false, "
        ~ "columns={'header_line': 'VARCHAR'}, delim=e'\\x1f', quote='', escape='', "
        ~ "strict_mode=false, store_rejects=true, rejects_table='_aethermart_header_rejects', "
        ~ "rejects_scan='_aethermart_header_scans'); "
        ~ "select count(*) from _aethermart_header_rejects where line = 1").columns[0].values() -%}
    {{ return(result[0] > 0) }}
{% endmacro %}


{% macro _assert_complete_drops(node, files) %}
    {%- set entity_file = node.meta.drop_entity ~ '.csv' -%}
    {%- set drop_glob = files[0].split('/load_date=')[0] ~ '/load_date=*/*' -%}
    {%- set all_files = run_query("select file from glob('" ~ drop_glob ~ "') order by file").columns[0].values() -%}
    {%- set known = [] -%}
    {%- for source in graph.sources.values() if source.source_name == node.source_name -%}
        {%- do known.append(source.meta.get('drop_entity', '') ~ '.csv') -%}
    {%- endfor -%}
    {%- set folders = [] -%}
    {%- for file in all_files -%}
        {%- set folder = file.rsplit('/', 1)[0] -%}
        {%- if folder not in folders -%}{%- do folders.append(folder) -%}{%- endif -%}
        {%- if file.rsplit('/', 1)[1] not in known and entity_file == known[0] -%}
            {{ log("note: " ~ file ~ " is not a POS entity file (" ~ known | join(', ') ~ "); it is not read", info=true) }}
        {%- endif -%}
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
        {%- set missing = [] -%}
        {%- for column in expected if column | lower not in names -%}{%- do missing.append(column) -%}{%- endfor -%}
        {%- if missing and _first_line_rejected(file) -%}
            {{ exceptions.raise_compiler_error("CSV file " ~ file ~ " has a header line that is not valid UTF-8 (expected: " ~ expected | join(',') ~ ").") }}
        {%- elif missing -%}
            {{ exceptions.raise_compiler_error(
                "Parquet file " ~ row[0] ~ " is missing required column(s) "
                ~ missing | join(', ') ~ ".") }}
        {%- endif -%}
    {%- endfor -%}
    {%- set drift = run_query(
        "select lower(name), string_agg(distinct duckdb_type, ' vs ' order by duckdb_type) as types, min(file_name) as example "
        ~ "from parquet_schema('" ~ pattern ~ "') where num_children is null "
        ~ "group by lower(name) having count(distinct duckdb_type) > 1") -%}
    {%- for row in drift.rows if row[0] in expected | map('lower') | list -%}
        {{ exceptions.raise_compiler_error(
            "Parquet files under " ~ pattern ~ " disagree on the type of column " ~ row[0]
            ~ " (" ~ row[1] ~ "; e.g. " ~ row[2] ~ "). Re-extract the table or remove the "
            ~ "odd extraction.") }}
    {%- endfor -%}
{% endmacro %}
