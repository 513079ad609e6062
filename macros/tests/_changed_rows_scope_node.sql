{#- The model a data test can check by its changed keys only, or none: a `row_rules` test on a
    `table` model with `merge_changed_rows_by` whose key is one of the test's unique_key
    columns, reading nothing else, no argument or `where` of it reading a relation
    (_row_rules_is_row_local). Its rules are then each about one row, except the key's
    uniqueness, which holds for every key the merge left alone (their rows are as before) and
    is checked for the changed ones with all their rows (the scope is by key, not by row). -#}
{% macro _changed_rows_scope_node(test_node) %}
    {#- a graph node or the context's `model` (dicts) or a result's node (an object) -#}
    {%- set metadata = test_node.test_metadata if test_node.test_metadata is defined else none -%}
    {%- set attached = test_node.attached_node if test_node.attached_node is defined else none -%}
    {%- if not metadata or metadata.name != 'row_rules' or not attached -%}
        {{ return(none) }}
    {%- endif -%}
    {%- set node = graph.nodes.get(attached) -%}
    {%- if node is none or node.resource_type != 'model' or node.config.materialized != 'table'
        or not node.config.get('merge_changed_rows_by')
        or test_node.depends_on.nodes | unique | list != [node.unique_id] -%}
        {{ return(none) }}
    {%- endif -%}
    {%- if not _row_rules_is_row_local(test_node) -%}
        {{ return(none) }}
    {%- endif -%}
    {%- set unique_key = (metadata.kwargs or {}).get('unique_key') -%}
    {%- set key_columns = [unique_key] if unique_key is string else (unique_key or []) | list -%}
    {%- if (node.config.merge_changed_rows_by | lower) not in (key_columns | map('string') | map('lower') | list) -%}
        {{ return(none) }}
    {%- endif -%}
    {{ return(node) }}
{% endmacro %}
