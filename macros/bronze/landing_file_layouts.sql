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
