{#- The `table` model's config `merge_scope`, checked: none without one, else
      {'inputs': {unique id: column}, 'columns': {unique id: [input column, model column]},
       'shared': {}, 'reads': {unique id: the relation ref() reads}, 'own': whether those are
       all this target's own relations}
    (the shape model_fingerprint takes as `keyed`: its `static` fingerprint then holds the
    listed inputs' column names and types instead of their content).
    `merge_scope: {<ref name>: <column>, ...}` on a model with `merge_changed_rows_by` says:
    this model's rows with a value of <column> depend only on that input's rows with the same
    value of <column>; `[<input column>, <model column>]` when the names differ. A build then
    compares only the keys whose rows hold a value the inputs' last writes changed
    (merge_scope_plan) instead of the whole model, when each changed input logged which values
    its write changed: a merge (`merge_changed_rows_by`) logs its key and the columns its
    readers name (merge_scope_logged_columns), a rebuild by landed file or by extraction its
    key; any other change to a listed input compares the whole model. Every ref must be
    listed: a model that reads anything else could change for a key no input names. -#}
{% macro merge_scope_inputs() %}
    {%- set declared = config.get('merge_scope') -%}
    {%- if not declared -%}
        {{ return(none) }}
    {%- endif -%}
    {%- set usage = "config merge_scope must be {<ref name>: <column of this model and of that input> or "
        ~ "[<input column>, <model column>], ...}, on a model with merge_changed_rows_by" -%}
    {%- if declared is not mapping or not config.get('merge_changed_rows_by') -%}
        {{ exceptions.raise_compiler_error(model.name ~ ": " ~ usage ~ ", got " ~ tojson(declared)) }}
    {%- endif -%}
    {%- set inputs = {} -%}
    {%- set columns = {} -%}
    {%- for name, column in declared.items() -%}
        {%- set matches = [] -%}
        {%- for unique_id in model.depends_on.nodes if graph.nodes.get(unique_id, {}).get('name') == name -%}
            {%- do matches.append(unique_id) -%}
        {%- endfor -%}
        {%- set pair = [column, column] if column is string else column | list if column is iterable and column is not mapping else [] -%}
        {%- if matches | length != 1 or pair | length != 2 or pair | reject('string') | list or not pair[0] or not pair[1] -%}
            {{ exceptions.raise_compiler_error(model.name ~ ": merge_scope input '" ~ name ~ "' must be one ref of "
                ~ "this model with a column name or a pair of them (refs: " ~ model.depends_on.nodes | join(', ') ~ "); "
                ~ usage ~ ", got " ~ tojson(column)) }}
        {%- endif -%}
        {%- set node = graph.nodes[matches[0]] -%}
        {%- if node.resource_type != 'model' or node.config.materialized != 'table' -%}
            {{ exceptions.raise_compiler_error(model.name ~ ": merge_scope input '" ~ name ~ "' is not a table model: "
                ~ "no build of it records which of its rows changed") }}
        {%- endif -%}
        {%- do inputs.update({matches[0]: pair[1]}) -%}
        {%- do columns.update({matches[0]: pair}) -%}
    {%- endfor -%}
    {%- set unlisted = model.depends_on.nodes | reject('in', inputs) | list -%}
    {%- if unlisted -%}
        {{ exceptions.raise_compiler_error(model.name ~ ": merge_scope must list every ref of the model ("
            ~ unlisted | join(', ') ~ " not listed): a change to an unlisted input could change rows of keys "
            ~ "no listed input names") }}
    {%- endif -%}
    {%- set read = _refs_read(inputs | list) -%}
    {{ return({'inputs': inputs, 'columns': columns, 'shared': {}, 'reads': read.reads, 'own': read.own}) }}
{% endmacro %}
