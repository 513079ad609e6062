{#- Structural checks on the files behind a landing source, run when the bronze model
    (or the rejects model) builds. Stops the build with one line naming the file and the
    problem when:
      - the landing path holds a glob character or a control character,
      - an entry the source's location matches is a symbolic link, not a regular file (or
        folder), or has a name DuckDB cannot read back safely (glob characters, control
        characters, bytes that are not UTF-8) - checked by the plugin
        aethermart.dbt_landing_guard with lstat, before any file is opened,
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


{% macro _assert_landing_entries(root, relative) %}
    {#- lstat-only walk of what the relative glob matches (the plugin sees what glob() skips) -#}
    {%- set registered = run_query(
        "select count(*) from duckdb_functions() where function_name = 'aethermart_landing_tree_problem'"
    ).columns[0].values()[0] -%}
    {%- if not registered -%}
        {{ exceptions.raise_compiler_error(
            "The dbt-duckdb plugin aethermart.dbt_landing_guard is not registered: add "
            ~ "`- module: aethermart.dbt_landing_guard` under `plugins:` of the profile "
            ~ "(see profiles.yml); it checks landing files before they are read.") }}
    {%- endif -%}
    {%- set problem = run_query(
        "select aethermart_landing_tree_problem(" ~ sql_string(root) ~ ", " ~ sql_string(relative) ~ ")"
    ).columns[0].values()[0] -%}
    {%- if problem -%}
        {{ exceptions.raise_compiler_error(problem) }}
    {%- endif -%}
{% endmacro %}


{% macro _assert_partition_folders(files, landing_format) %}
    {#- a file's path below the landing root must be exactly the source's layout, and its
        partition folder must carry a valid value: bronze casts it. Matched on the last
        components of the path, anchored at both ends. -#}
    {%- set rules = {
        'csv': ['pos/load_date=(\\d{4}-\\d{2}-\\d{2})/[^/]+[.][cC][sS][vV]', 'pos/load_date=YYYY-MM-DD/<entity>.csv'],
        'jsonl': ['events/date=(\\d{4}-\\d{2}-\\d{2})/[^/]+[.]jsonl', 'events/date=YYYY-MM-DD/<name>.jsonl'],
        'parquet': ['mariadb/[^/]+/extraction_id=(\\d{8}T\\d{6}Z)/[^/]+[.]parquet', 'mariadb/<Table>/extraction_id=YYYYMMDDTHHMMSSZ/<file>.parquet'],
        'json': ['mariadb/[^/]+/extraction_id=(\\d{8}T\\d{6}Z)/_manifest[.]json', 'mariadb/<Table>/extraction_id=YYYYMMDDTHHMMSSZ/_manifest.json'],
    } -%}
    {%- set rule = rules[landing_format] -%}
    {%- set depth = rule[1].split('/') | length -%}
    {%- set folder = rule[1].split('/')[-2] -%}
    {%- set misplaced = [] -%}
    {%- for file in files -%}
        {%- set relative = file.split('/')[-depth:] | join('/') -%}
        {%- set found = modules.re.fullmatch(rule[0], relative) -%}
        {%- if not found or not _is_calendar_date(found.group(1)) -%}
            {%- do misplaced.append(escaped_excerpt(file, 300)) -%}
        {%- endif -%}
    {%- endfor -%}
    {%- if misplaced -%}
        {{ exceptions.raise_compiler_error(
            "File " ~ misplaced[0] ~ " is not in a folder named " ~ folder
            ~ " with a valid value (expected <landing>/" ~ rule[1] ~ "); move it into one "
            ~ "(bronze reads the value from the folder name)."
            ~ (" Also: " ~ misplaced[1:5] | join('; ') if misplaced | length > 1 else "")
            ~ (" (" ~ misplaced | length ~ " files in all)" if misplaced | length > 5 else "")) }}
    {%- endif -%}
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


{% macro _column_list(names, limit=10) %}
    {#- column names read from a file, for a message: the first `limit`, escaped, at most
        ~120 characters, and how many there are when that is not all of them -#}
    {%- set text = escaped_excerpt(names[:limit] | join(','), 120) -%}
    {%- if names | length > limit -%}
        {%- set text = text ~ ('' if text.endswith('…') else ',…') ~ " (" ~ "{:,}".format(names | length) ~ " columns)" -%}
    {%- endif -%}
    {{ return(text) }}
{% endmacro %}


{% macro _first_line_rejected(file) %}
    {#- scans the whole file with stored rejects: is line 1 (the header) unreadable? -#}
    {%- set result = run_query(
        "select count(*) from read_csv(" ~ sql_string(file) ~ ", header=false, auto_detect=false, "
        ~ "columns={'header_line': 'VARCHAR'}, delim=e'\\x1f', quote='', escape='', "
        ~ "strict_mode=false, store_rejects=true, rejects_table='_aethermart_header_rejects', "
        ~ "rejects_scan='_aethermart_header_scans'); "
        ~ "select count(*) from _aethermart_header_rejects where line = 1").columns[0].values() -%}
    {{ return(result[0] > 0) }}
{% endmacro %}


{% macro _assert_complete_drops(node, files, pattern) %}
    {#- every drop folder must hold every entity file of the source system; all that are
        missing, in every drop, are listed in one error (whichever entity's model finds them) -#}
    {%- set entity_file = landing_source_glob(node.source_name, node.name).rsplit('/', 1)[1] -%}
    {%- set drop_glob = pattern.rsplit('/', 1)[0] ~ '/*' -%}
    {#- every entry of every drop, read or not, must be a regular file with a safe name -#}
    {{ _assert_landing_entries(landing_path(), drop_glob[landing_path() | length + 1:]) }}
    {%- set all_files = run_query("select file from glob(" ~ sql_string(drop_glob) ~ ") order by file").columns[0].values() -%}
    {%- set known = [] -%}
    {%- set required = [] -%}
    {%- for other in graph.sources.values() | sort(attribute='unique_id') if other.source_name == node.source_name -%}
        {%- set other_file = landing_source_glob(other.source_name, other.name).rsplit('/', 1)[1] -%}
        {%- do known.append(other_file) -%}
        {%- if other.meta.get('drop_entity') and not other.meta.get('optional', false) -%}
            {%- do required.append(other_file) -%}
        {%- endif -%}
    {%- endfor -%}
    {%- set folders = [] -%}
    {%- for file in all_files -%}
        {%- set folder = file.rsplit('/', 1)[0] -%}
        {%- if folder not in folders -%}{%- do folders.append(folder) -%}{%- endif -%}
        {%- if file.rsplit('/', 1)[1] not in known and entity_file == known[0] -%}
            {{ log("note: " ~ escaped_excerpt(file, 300) ~ " is not a POS entity file (" ~ known | join(', ') ~ "); it is not read", info=true) }}
        {%- endif -%}
    {%- endfor -%}
    {%- set incomplete = [] -%}
    {%- for folder in folders -%}
        {%- set lacking = [] -%}
        {%- for name in required if (folder ~ '/' ~ name) not in all_files -%}{%- do lacking.append(name) -%}{%- endfor -%}
        {%- if lacking -%}
            {%- do incomplete.append("POS drop " ~ escaped_excerpt(folder, 300) ~ " has no " ~ lacking | join(', ')) -%}
        {%- endif -%}
    {%- endfor -%}
    {%- if incomplete -%}
        {{ exceptions.raise_compiler_error(
            incomplete[:5] | join('; ')
            ~ (" (and " ~ (incomplete | length - 5) ~ " more drops; " ~ incomplete | length ~ " incomplete in all)" if incomplete | length > 5 else "")
            ~ ": every drop must contain all entity files (" ~ required | join(', ')
            ~ "; a header-only file when there is nothing to send).") }}
    {%- endif -%}
{% endmacro %}


{% macro _assert_parquet_columns(node, pattern, expected, quoted=false) %}
    {%- set paths = pattern if quoted else sql_string(pattern) -%}
    {%- set found = run_query(
        "select file_name, string_agg(lower(name), ',') as names from parquet_schema(" ~ paths ~ ") "
        ~ "group by file_name order by file_name") -%}
    {%- for row in found.rows -%}
        {%- set names = row[1].split(',') -%}
        {%- set missing = [] -%}
        {%- for column in expected if column | lower not in names -%}{%- do missing.append(column) -%}{%- endfor -%}
        {%- if missing -%}
            {{ exceptions.raise_compiler_error(
                "Parquet file " ~ escaped_excerpt(row[0], 300) ~ " is missing required column(s) "
                ~ missing | join(', ') ~ ".") }}
        {%- endif -%}
    {%- endfor -%}
    {%- set drift = run_query(
        "select lower(name), string_agg(distinct duckdb_type, ' vs ' order by duckdb_type) as types, min(file_name) as example "
        ~ "from parquet_schema(" ~ paths ~ ") where num_children is null "
        ~ "group by lower(name) having count(distinct duckdb_type) > 1") -%}
    {%- for row in drift.rows if row[0] in expected | map('lower') | list -%}
        {{ exceptions.raise_compiler_error(
            "Parquet files under " ~ escaped_excerpt(pattern, 300) ~ " disagree on the type of column " ~ row[0]
            ~ " (" ~ escaped_excerpt(row[1], 120) ~ "; e.g. " ~ escaped_excerpt(row[2], 300) ~ "). Re-extract the table or remove the "
            ~ "odd extraction.") }}
    {%- endfor -%}
{% endmacro %}


{#- Every required landing location of every enabled source system that matches no file,
    as [source.table, glob] pairs (optional tables and switched-off systems are skipped).
    The location is `landing_source_glob`'s, so a table's meta.file_name counts. -#}
{% macro missing_landing_files() %}
    {%- set missing = [] -%}
    {%- for node in graph.sources.values() | sort(attribute='unique_id')
        if node.package_name == project_name and node.meta.get('landing_format')
        and not node.meta.get('optional', false) and source_enabled(node.source_name) -%}
        {%- set pattern = landing_source_glob(node.source_name, node.name) -%}
        {%- set found = run_query("select count(*) from glob(" ~ sql_string(pattern) ~ ")").columns[0].values()[0] -%}
        {%- if found == 0 -%}
            {%- do missing.append([node.source_name ~ "." ~ node.name, pattern]) -%}
        {%- endif -%}
    {%- endfor -%}
    {{ return(missing) }}
{% endmacro %}


{#- The one-line error for missing landing files: every missing location of the run at once,
    the landing root and the two ways out (point the landing path elsewhere, or switch the
    absent source systems off). -#}
{% macro missing_landing_files_message() %}
    {%- set missing = missing_landing_files() -%}
    {%- set systems = [] -%}
    {%- set listed = [] -%}
    {%- for name, pattern in missing -%}
        {%- set system = source_system_of(name.split('.')[0]) -%}
        {%- if system not in systems -%}{%- do systems.append(system) -%}{%- endif -%}
        {%- do listed.append(name ~ " (nothing matches '" ~ escaped_excerpt(pattern, 200) ~ "')") -%}
    {%- endfor -%}
    {%- set present = enabled_sources() | reject('in', systems) | list -%}
    {{ return(
        "Landing files missing for " ~ missing | length ~ " required source location(s) of the enabled sources ("
        ~ enabled_sources() | join(', ') ~ "): "
        ~ listed | join('; ') ~ ". "
        ~ "The landing path is '" ~ escaped_excerpt(landing_path(), 200) ~ "' (var landing_path, else $AETHERMART_LANDING). "
        ~ "If a source system does not exist for you, switch it off: "
        ~ "--vars '{enabled_sources: [" ~ (present | join(', ') if present else '...') ~ "]}' "
        ~ "(var enabled_sources; make SOURCES=" ~ (present | join(',') if present else '...') ~ ")."
    ) }}
{% endmacro %}
