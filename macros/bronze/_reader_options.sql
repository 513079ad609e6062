{% macro _reader_options(source_name, table, location) %}
    {#- the options of a source's reader call our count follows, as SQL literals -#}
    {%- set option = modules.re.search -%}
    {%- set quote = option("[(,\s]quote=('[^']*')", location) -%}
    {%- set escape = option("[(,\s]escape=('[^']*')", location) -%}
    {%- set delimiter = option("[(,\s]delim=(e?'[^']*')", location) -%}
    {%- set header = option("[(,\s]header=(true|false)", location) -%}
    {%- set max_line_size = option("[(,\s]max_line_size=([0-9]+)", location) -%}
    {%- if not quote or not delimiter or not header or (escape and escape.group(1) not in [quote.group(1), "''"]) -%}
        {{ exceptions.raise_compiler_error(
            "source " ~ source_name ~ "." ~ table ~ ": its read_csv call needs explicit quote, delim and header "
            ~ "options, and an escape equal to the quote (the record count follows them)") }}
    {%- endif -%}
    {{ return({
        'quote': quote.group(1), 'delimiter': delimiter.group(1), 'header': header.group(1),
        'max_line_size': max_line_size.group(1) if max_line_size else '2000000',
        'skip_blank_lines': 'false' if csv_source_tables(source_name).blank_lines_are_records else 'true',
    }) }}
{% endmacro %}
