{#- The column (lower case) whose changed values a write of this table model logs in
    ops.model_changed_keys: its `merge_changed_rows_by`, or the key of its
    `rebuild_by_landed_file` or `rebuild_by_extraction` config; '' when it logs none. -#}
{% macro _merge_scope_input_key(node) %}
    {%- set config = node.config -%}
    {%- set by_file = config.get('rebuild_by_landed_file') -%}
    {%- set by_extraction = config.get('rebuild_by_extraction') -%}
    {%- set key = config.get('merge_changed_rows_by') or (by_file.get('key') if by_file is mapping else none)
        or (by_extraction.get('key') if by_extraction is mapping else none) or '' -%}
    {{ return(key | lower) }}
{% endmacro %}
