{#- How each landed file of a text source maps onto the source's contract columns.

    A POS table's contract is its `columns:` in the sources YAML; its `meta` says how a
    retailer's export names them (see the comments in models/bronze/pos/_pos__sources.yml):
      file_name        the file in each drop (default: the name in external_location,
                       `<entity>.csv`)
      header_aliases   {source header: contract column}
      ignored_headers  [source header, ...] read (so the record count holds) but not kept
      optional_columns [contract column, ...] that a file may lack (NULL in bronze)
    Headers match case-insensitively after trimming; a header matches an alias first, then
    an ignored header, then a contract column of the same name. A file's columns may come
    in any order, and drops may differ.

    Returns one entry per file: {'file': path, 'columns': [contract column, or '' for an
    ignored header, in the file's order]}. Stops the build with one line naming the file,
    the header and the YAML to write when a required column is missing, a header is
    unknown, or two headers map to one column. Files of other formats (no header) map
    position by position onto the contract. -#}
{% macro landing_file_layouts(source_name, table_name, files) %}
    {%- set node = graph.sources.values()
        | selectattr('source_name', 'equalto', source_name)
        | selectattr('name', 'equalto', table_name) | first -%}
    {%- set contract = node.columns.keys() | list -%}
    {%- if node.meta.get('landing_format') != 'csv' -%}
        {%- set layouts = [] -%}
        {%- for file in files -%}{%- do layouts.append({'file': file, 'columns': contract}) -%}{%- endfor -%}
        {{ return(layouts) }}
    {%- endif -%}
    {%- set rules = _layout_rules(node) -%}
    {%- set layouts = [] -%}
    {%- for file in files -%}
        {%- do layouts.append({'file': file, 'columns': _file_layout(node, rules, file)}) -%}
    {%- endfor -%}
    {{ return(layouts) }}
{% endmacro %}


{% macro _layout_rules(node) %}
    {#- the table's meta, checked and normalised: lower-cased trimmed header -> column -#}
    {%- set where = "source " ~ node.source_name ~ "." ~ node.name ~ " (" ~ node.original_file_path ~ ")" -%}
    {%- set contract = node.columns.keys() | list -%}
    {%- set by_lower = {} -%}
    {%- for column in contract -%}{%- do by_lower.update({column | lower: column}) -%}{%- endfor -%}
    {%- set aliases = {} -%}
    {%- set given = node.meta.get('header_aliases') or {} -%}
    {%- if given is not mapping -%}
        {{ exceptions.raise_compiler_error(where ~ ": meta.header_aliases must be a mapping {source header: contract column}.") }}
    {%- endif -%}
    {%- for header, column in given.items() -%}
        {{ _assert_yaml_text(where, 'header_aliases key', header, "'No': line_number") }}
        {{ _assert_yaml_text(where, 'header_aliases value for ' ~ header, column, "InvoiceNo: 'order_id'") }}
        {%- if (column | string | lower) not in by_lower -%}
            {{ exceptions.raise_compiler_error(
                where ~ ": meta.header_aliases maps " ~ escaped_excerpt(header, 80) ~ " to "
                ~ escaped_excerpt(column, 80) ~ ", which is not a column of the source (columns: "
                ~ contract | join(',') ~ ").") }}
        {%- endif -%}
        {%- do aliases.update({header | string | trim | lower: by_lower[column | string | lower]}) -%}
    {%- endfor -%}
    {%- set ignored = [] -%}
    {%- for header in node.meta.get('ignored_headers') or [] -%}
        {{ _assert_yaml_text(where, 'ignored_headers entry', header, "ignored_headers: ['No', 'Description']") }}
        {%- do ignored.append(header | string | trim | lower) -%}
    {%- endfor -%}
    {%- set optional = [] -%}
    {%- for column in node.meta.get('optional_columns') or [] -%}
        {{ _assert_yaml_text(where, 'optional_columns entry', column, "optional_columns: ['line_number']") }}
        {%- if (column | lower) not in by_lower -%}
            {{ exceptions.raise_compiler_error(where ~ ": meta.optional_columns names " ~ escaped_excerpt(column, 80) ~ ", which is not a column of the source.") }}
        {%- endif -%}
        {%- do optional.append(by_lower[column | lower]) -%}
    {%- endfor -%}
    {%- set required = [] -%}
    {%- for column in contract if column not in optional -%}{%- do required.append(column) -%}{%- endfor -%}
    {{ return({'where': where, 'by_lower': by_lower, 'aliases': aliases, 'ignored': ignored,
               'optional': optional, 'required': required}) }}
{% endmacro %}


{% macro _file_layout(node, rules, file, decoded_line=none) %}
    {#- The first line that parses; ignore_errors so a bad byte further down cannot stop
        the check (a bad first line is diagnosed below, on the error path only: a header
        that is not UTF-8 is read again decoded as Windows-1252, like records). -#}
    {%- if decoded_line is none -%}
        {%- set first = run_query(
            "select header_line from read_csv(" ~ sql_string(file) ~ ", header=false, auto_detect=false, "
            ~ "columns={'header_line': 'VARCHAR'}, delim=e'\\x1f', quote='', escape='', "
            ~ "strict_mode=false, ignore_errors=true) limit 1").columns[0].values() -%}
        {%- set line = (first[0] if first | length else '') or '' -%}
    {%- else -%}
        {%- set line = decoded_line -%}
    {%- endif -%}
    {%- set line = line.replace('\ufeff', '').replace('\r', '') -%}
    {%- set shown = [] -%}
    {%- for name in _csv_header_fields(line) if line | trim -%}
        {%- do shown.append(name | trim) -%}
    {%- endfor -%}
    {%- set required = rules.required -%}
    {%- set columns = [] -%}
    {%- set unknown = [] -%}
    {%- set source_of = {} -%}
    {%- set twice = [] -%}
    {%- for name in shown -%}
        {%- set key = name | lower -%}
        {%- if key in rules.aliases -%}
            {%- set column = rules.aliases[key] -%}
        {%- elif key in rules.ignored -%}
            {%- set column = '' -%}
        {%- elif key in rules.by_lower -%}
            {%- set column = rules.by_lower[key] -%}
        {%- else -%}
            {%- set column = '' -%}
            {%- do unknown.append(name) -%}
        {%- endif -%}
        {%- if column and column in source_of and not twice -%}
            {%- do twice.extend([source_of[column], name, column]) -%}
        {%- elif column -%}
            {%- do source_of.update({column: name}) -%}
        {%- endif -%}
        {%- do columns.append(column) -%}
    {%- endfor -%}
    {%- set missing = [] -%}
    {%- for column in required if column not in source_of -%}{%- do missing.append(column) -%}{%- endfor -%}
    {%- set subject = "CSV file " ~ escaped_excerpt(file, 300)
        ~ (", whose header line is not valid UTF-8 (read as Windows-1252)," if decoded_line is not none else "") -%}
    {%- set yaml = "in meta of source " ~ node.source_name ~ "." ~ node.name ~ " in " ~ node.original_file_path -%}
    {%- set expected = required | join(',') -%}
    {%- set rejected = decoded_line is none and (missing or unknown or twice) and _first_line_rejected(file) -%}
    {%- set recovered = run_query("select aethermart_header_line(" ~ sql_string(file) ~ ")").columns[0].values()[0] if rejected else none -%}
    {%- if recovered is not none -%}
        {{ return(_file_layout(node, rules, file, recovered)) }}
    {%- elif missing and rejected -%}
        {{ exceptions.raise_compiler_error("CSV file " ~ escaped_excerpt(file, 300) ~ " has a header line that is not valid UTF-8 (expected: " ~ expected ~ "). Export it as UTF-8 "
            ~ "(Windows-1252 records are read; a UTF-16 file, for one, is not).") }}
    {%- elif missing -%}
        {{ exceptions.raise_compiler_error(
            subject ~ " is missing required column(s) " ~ missing | join(', ')
            ~ " (header: " ~ (_column_list(shown) if shown else 'empty file') ~ "; expected: "
            ~ expected ~ "). If the file names it otherwise, write `header_aliases: {'<its header>': "
            ~ missing[0] ~ "}` " ~ yaml ~ ".") }}
    {%- elif '' in unknown -%}
        {{ exceptions.raise_compiler_error(
            subject ~ " has an empty header at position " ~ (shown.index('') + 1)
            ~ " (header: " ~ _column_list(shown) ~ ("; a trailing comma?" if shown[-1] == '' else "") ~ "). Remove it from the export, or skip it "
            ~ "with `ignored_headers: ['']` " ~ yaml ~ ".") }}
    {%- elif unknown -%}
        {{ exceptions.raise_compiler_error(
            subject ~ " has unexpected column(s) " ~ _column_list(unknown)
            ~ " (expected" ~ (" exactly" if not rules.optional else "") ~ ": " ~ expected
            ~ ("; optional: " ~ rules.optional | join(',') if rules.optional else "") ~ "). Map it with "
            ~ "`header_aliases: {'" ~ escaped_excerpt(unknown[0], 60) ~ "': <column>}` or skip it with `ignored_headers: ['"
            ~ escaped_excerpt(unknown[0], 60) ~ "']` " ~ yaml ~ ".") }}
    {%- elif twice -%}
        {{ exceptions.raise_compiler_error(
            subject ~ " has two headers for column " ~ twice[2] ~ ": "
            ~ escaped_excerpt(twice[0], 60) ~ " and " ~ escaped_excerpt(twice[1], 60) ~ " (header: " ~ _column_list(shown)
            ~ "). Keep one: list the other under `ignored_headers` " ~ yaml ~ ".") }}
    {%- endif -%}
    {{ return(columns) }}
{% endmacro %}


{% macro _csv_header_fields(line) %}
    {#- a header line split as CSV, like the reader (delim ',', quote and escape '"'): a
        quoted name may hold commas, `""` inside quotes is one quote; a stray quote in an
        unquoted name is dropped -#}
    {%- set state = namespace(field='', quoted=false, closed=false) -%}
    {%- set fields = [] -%}
    {%- for char in line -%}
        {%- if state.quoted and char == '"' -%}
            {%- set state.quoted = false -%}
            {%- set state.closed = true -%}
        {%- elif state.quoted -%}
            {%- set state.field = state.field ~ char -%}
        {%- elif char == '"' -%}
            {%- if state.closed -%}{%- set state.field = state.field ~ '"' -%}{%- endif -%}
            {%- set state.quoted = true -%}
            {%- set state.closed = false -%}
        {%- elif char == ',' -%}
            {%- do fields.append(state.field) -%}
            {%- set state.field = '' -%}
            {%- set state.closed = false -%}
        {%- else -%}
            {%- set state.field = state.field ~ char -%}
            {%- set state.closed = false -%}
        {%- endif -%}
    {%- endfor -%}
    {%- do fields.append(state.field) -%}
    {{ return(fields) }}
{% endmacro %}


{% macro _assert_yaml_text(where, what, value, example) %}
    {#- a header or column name in meta must be text: YAML reads unquoted No/Yes/On/Off/
        true/false as booleans, 1 or 1.5 as numbers and ~/null as null -#}
    {%- if value is not string -%}
        {%- set kind = 'null' if value is none else ('a boolean' if (value is sameas true or value is sameas false) else 'a number') -%}
        {{ exceptions.raise_compiler_error(
            where ~ ": meta." ~ what ~ " " ~ escaped_excerpt(value | string, 60) ~ " is " ~ kind ~ ", not text "
            ~ "(YAML reads unquoted No/Yes/On/Off/true/false, numbers and null so); quote every header "
            ~ "and column name as written in the file, e.g. `" ~ example ~ "`.") }}
    {%- endif -%}
{% endmacro %}
