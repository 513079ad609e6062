{#- What a data test can check of merged tables by their changed keys only, or none:
    {'model': the tested model's node, 'keys': [[column of the tested model, node of a merged
    table whose logged keys that column holds], ...]}. Two kinds of test:
      * a `row_rules` test on a `table` model with `merge_changed_rows_by`, that key one of the
        test's unique_key columns, reading nothing else, no argument or `where` of it reading a
        relation (_row_rules_is_row_local): keys [[its key, the model]]. Its rules are each
        about one row, except the key's uniqueness, which holds for every key the merge left
        alone (their rows are as before) and is checked for the changed ones with all their rows
        (the scope is by key, not by row);
      * a `relationships` test on such a model (the child), `column_name` and `field` plain
        column names, its `where` reading no relation, whose parent (`to`) is a `table` model
        that merges by `field`: keys [[the child's key, the child], [column_name, the
        parent]]. A child row can only have lost its parent if it is a changed key's row, or
        its value is a key the parent's merge changed (removed): the rows of the keys both
        merges left alone are as they were, and so is each one's parent. -#}
{% macro _changed_rows_scope(test_node) %}
    {#- a graph node or the context's `model` (dicts) or a result's node (an object) -#}
    {%- set metadata = test_node.test_metadata if test_node.test_metadata is defined else none -%}
    {%- set attached = test_node.attached_node if test_node.attached_node is defined else none -%}
    {%- if not metadata or metadata.name not in ('row_rules', 'relationships') or not attached -%}
        {{ return(none) }}
    {%- endif -%}
    {%- set node = graph.nodes.get(attached) -%}
    {%- if node is none or node.resource_type != 'model' or node.config.materialized != 'table'
        or not node.config.get('merge_changed_rows_by') or not _row_rules_is_row_local(test_node) -%}
        {{ return(none) }}
    {%- endif -%}
    {%- set key = node.config.merge_changed_rows_by -%}
    {%- set inputs = test_node.depends_on.nodes | unique | list -%}
    {%- set kwargs = metadata.kwargs or {} -%}
    {%- if metadata.name == 'row_rules' -%}
        {%- set unique_key = kwargs.get('unique_key') -%}
        {%- set key_columns = [unique_key] if unique_key is string else (unique_key or []) | list -%}
        {%- if inputs != [node.unique_id] or (key | lower) not in (key_columns | map('string') | map('lower') | list) -%}
            {{ return(none) }}
        {%- endif -%}
        {{ return({'model': node, 'keys': [[key, node]]}) }}
    {%- endif -%}
    {%- set plain = modules.re.compile('^[A-Za-z_][A-Za-z0-9_]*$') -%}
    {%- set column_name, field = kwargs.get('column_name') | string, kwargs.get('field') | string -%}
    {%- set parents = inputs | reject('equalto', node.unique_id) | list -%}
    {%- if not plain.match(column_name) or not plain.match(field) or parents | length != 1
        or node.unique_id not in inputs -%}
        {{ return(none) }}
    {%- endif -%}
    {%- set parent = graph.nodes.get(parents[0]) -%}
    {%- if parent is none or parent.resource_type != 'model' -%}
        {{ return(none) }}
    {%- endif -%}
    {#- a parent built whole (a dimension) is small: the whole check costs less than hashing
        every child row's key for the scope (scale 10: 0.09 s or less against 0.13-0.23 s) -#}
    {%- if parent.config.materialized != 'table' or (parent.config.get('merge_changed_rows_by') or '') | lower != field | lower -%}
        {{ return(none) }}
    {%- endif -%}
    {{ return({'model': node, 'keys': [[key, node], [column_name, parent]]}) }}
{% endmacro %}
