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
