{#- The scan a bronze view over a text source selects from, in place of
    `{{ source(...) }} with ordinality`: the source's own reader call (its
    external_location) with, per group of files sharing a header layout
    (`landing_file_layouts`), `columns={...}` in the files' order under contract names.
    Every contract column is in the result (NULL for an optional column a file lacks),
    with `filename`, the partition column and `ordinality`. Headers the YAML ignores are
    read (a filter hashes them), so DuckDB validates every field as the rejects model's
    scan does and a record is a row or a reject, never both. One layout: the source's glob
    as today; several: one scan per layout over its list of files. -#}
{% macro landing_csv_scan(source_name, table_name) %}
    {%- set relation = landing_source(source_name, table_name) -%}
    {%- if not execute -%}
        {{ return(relation ~ " with ordinality") }}
    {%- endif -%}
    {%- set node = graph.sources.values()
        | selectattr('source_name', 'equalto', source_name)
        | selectattr('name', 'equalto', table_name) | first -%}
    {%- set location = relation | string -%}
    {%- set pattern = landing_source_glob(source_name, table_name) -%}
    {%- set incremental = bronze_is_incremental_model() -%}
    {%- if incremental -%}
        {#- incremental bronze: only the new and changed files (bronze_file_plan) -#}
        {%- set files = bronze_file_plan(source_name, table_name) -%}
        {%- if files | length == 0 -%}
            {{ return("(\n    " ~ absent_source_select(source_name, table_name, true, reason='no new or changed file') ~ "\n    ) as landed") }}
        {%- endif -%}
    {%- else -%}
        {%- set files = run_query("select file from glob(" ~ sql_string(pattern) ~ ") order by file").columns[0].values() -%}
        {%- if files | length == 0 -%}
            {{ return(relation ~ " with ordinality") }}
        {%- endif -%}
    {%- endif -%}
    {%- set groups = {} -%}
    {%- set order = [] -%}
    {%- for layout in landing_file_layouts(source_name, table_name, files) -%}
        {%- set key = layout.columns | join(',') -%}
        {%- if key not in groups -%}
            {%- do groups.update({key: {'columns': layout.columns, 'files': []}}) -%}
            {%- do order.append(key) -%}
        {%- endif -%}
        {%- do groups[key].files.append(layout.file) -%}
    {%- endfor -%}
    {%- set partition = csv_source_tables(source_name).partition_column -%}
    {%- set branches = [] -%}
    {%- for key in order -%}
        {%- set group = groups[key] -%}
        {%- if order | length == 1 and not incremental -%}
            {%- set paths = sql_string(pattern) -%}
        {%- else -%}
            {%- set quoted = [] -%}
            {%- for file in group.files -%}{%- do quoted.append(sql_string(file)) -%}{%- endfor -%}
            {%- set paths = "[" ~ quoted | join(", ") ~ "]" -%}
        {%- endif -%}
        {%- set selected = [] -%}
        {%- for column in node.columns.keys() -%}
            {%- if column in group.columns -%}
                {%- do selected.append('"' ~ column ~ '"') -%}
            {%- else -%}
                {%- do selected.append('cast(null as varchar) as "' ~ column ~ '"') -%}
            {%- endif -%}
        {%- endfor -%}
        {%- set ignored = [] -%}
        {%- for column in landing_read_columns(group.columns) if column.startswith('_ignored_') -%}
            {%- do ignored.append('"' ~ column ~ '"') -%}
        {%- endfor -%}
        {%- do branches.append(
            "select " ~ selected | join(", ") ~ ", filename, " ~ partition ~ ", ordinality "
            ~ "from " ~ landing_csv_read(source_name, table_name, paths, group.columns) ~ " with ordinality"
            ~ (" where md5(cast([" ~ ignored | join(", ") ~ "] as varchar)) is not null" if ignored else "")) -%}
    {%- endfor -%}
    {{ return("(\n        " ~ branches | join("\n        union all by name\n        ") ~ "\n    ) as landed") }}
{% endmacro %}
