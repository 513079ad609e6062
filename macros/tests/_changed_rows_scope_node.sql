{#- The model a data test can check by its changed keys only, or none: a `row_rules` test on a
    `table` model with `merge_changed_rows_by` whose key is one of the test's unique_key
    columns, reading nothing else. Its rules are then each about one row, except the key's
    uniqueness, which holds for every key the merge left alone (their rows are as before) and
    is checked for the changed ones with all their rows (the scope is by key, not by row). -#}
{% macro _changed_rows_scope_node(test_node) %}
    {%- set metadata = test_node.get('test_metadata') -%}
    {%- if not metadata or metadata.get('name') != 'row_rules' or not test_node.get('attached_node') -%}
        {{ return(none) }}
    {%- endif -%}
    {%- set node = graph.nodes.get(test_node.attached_node) -%}
    {%- if node is none or node.resource_type != 'model' or node.config.materialized != 'table'
        or not node.config.get('merge_changed_rows_by')
        or test_node.depends_on.nodes | unique | list != [node.unique_id] -%}
        {{ return(none) }}
    {%- endif -%}
    {%- set unique_key = metadata.get('kwargs', {}).get('unique_key') -%}
    {%- set key_columns = [unique_key] if unique_key is string else (unique_key or []) | list -%}
    {%- if (node.config.merge_changed_rows_by | lower) not in (key_columns | map('string') | map('lower') | list) -%}
        {{ return(none) }}
    {%- endif -%}
    {{ return(node) }}
{% endmacro %}
