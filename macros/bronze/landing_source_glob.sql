{#- The path (a glob) a landing source's files are found at: the first string literal of
    its rendered location (`landing_location_glob`), with the file name replaced by
    `meta.file_name` when the table sets one (a POS export naming its files otherwise,
    e.g. `invoice_lines.csv`). The name is one plain file name ending in `.csv` (any case: `INVOICES.CSV`). -#}
{% macro landing_source_glob(source_name, table_name) %}
    {%- set node = graph.sources.values()
        | selectattr('source_name', 'equalto', source_name)
        | selectattr('name', 'equalto', table_name) | first -%}
    {%- set pattern = landing_location_glob(landing_source(source_name, table_name)) -%}
    {%- set file_name = node.meta.get('file_name') -%}
    {%- if file_name is none -%}
        {{ return(pattern) }}
    {%- endif -%}
    {%- if not modules.re.fullmatch('[A-Za-z0-9][A-Za-z0-9._ -]*[.][cC][sS][vV]', file_name | string) -%}
        {{ exceptions.raise_compiler_error(
            "source " ~ source_name ~ "." ~ table_name ~ " (" ~ node.original_file_path ~ "): meta.file_name "
            ~ escaped_excerpt(file_name, 80) ~ " is not a plain file name ending in .csv, any case (letters, digits, "
            ~ "'.', '_', '-', ' '; no folder).") }}
    {%- endif -%}
    {{ return(pattern.rsplit('/', 1)[0] ~ '/' ~ file_name) }}
{% endmacro %}
