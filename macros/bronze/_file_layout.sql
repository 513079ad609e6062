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
