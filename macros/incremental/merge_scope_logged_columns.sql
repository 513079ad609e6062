{#- The columns whose values a merge of this model (merge_changed_rows) logs in
    ops.model_changed_values, of its changed keys' rows before and after: every column other
    than its key that a model reading it names for it in `merge_scope` (its key needs no log:
    ops.model_changed_keys holds the changed keys' hashes). Sorted, lower case. -#}
{% macro merge_scope_logged_columns() %}
    {%- set key = (config.get('merge_changed_rows_by') or '') | lower -%}
    {{ return(_merge_scope_named_columns() | reject('equalto', key) | list) }}
{% endmacro %}

{#- Every column of this model that a model reading it names for it in `merge_scope` (the
    input column of a pair), sorted, lower case: empty when no model's merge_scope reads it,
    and its writes need log nothing for one. -#}
{% macro _merge_scope_named_columns() %}
    {%- set columns = [] -%}
    {%- for node in graph.nodes.values() if node.resource_type == 'model' and node.config.get('merge_scope') is mapping
        and model.unique_id in node.depends_on.nodes -%}
        {%- set named = node.config.merge_scope.get(model.name) -%}
        {%- set column = named if named is string else (named | list)[0] if named is iterable and named is not mapping
            and named | length == 2 else none -%}
        {%- if column is string and column | lower not in columns -%}
            {%- do columns.append(column | lower) -%}
        {%- endif -%}
    {%- endfor -%}
    {{ return(columns | sort) }}
{% endmacro %}
