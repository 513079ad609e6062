{#- The columns whose values a merge of this model (merge_changed_rows) logs in
    ops.model_changed_values, of its changed keys' rows before and after: every column other
    than its key that a model reading it names for it in `merge_scope` or `rebuild_by_key` (its
    key needs no log: ops.model_changed_keys holds the changed keys' hashes). Sorted, lower
    case. -#}
{% macro merge_scope_logged_columns() %}
    {%- set key = (config.get('merge_changed_rows_by') or '') | lower -%}
    {{ return(_merge_scope_named_columns() | reject('equalto', key) | list) }}
{% endmacro %}

{#- Every column of this model that a model reading it names for it in `merge_scope` (the
    input column of a pair) or in `rebuild_by_key` (the key column of a keyed input, which
    _rebuild_by_key_logged_keys reads the log for), sorted, lower case: empty when no such
    model reads it, and its writes need log nothing for one. -#}
{% macro _merge_scope_named_columns() %}
    {%- set columns = [] -%}
    {%- for node in graph.nodes.values() if node.resource_type == 'model' and model.unique_id in node.depends_on.nodes -%}
        {%- set named = [] -%}
        {%- if node.config.get('merge_scope') is mapping -%}
            {%- set column = node.config.merge_scope.get(model.name) -%}
            {%- do named.append(column if column is string else (column | list)[0] if column is iterable
                and column is not mapping and column | length == 2 else none) -%}
        {%- endif -%}
        {%- set keyed = node.config.get('rebuild_by_key') -%}
        {%- if keyed is mapping and keyed.get('inputs') is mapping -%}
            {%- do named.append(keyed['inputs'].get(model.name)) -%}
        {%- endif -%}
        {%- for column in named if column is string and column | lower not in columns -%}
            {%- do columns.append(column | lower) -%}
        {%- endfor -%}
    {%- endfor -%}
    {{ return(columns | sort) }}
{% endmacro %}
