{#- The model's `rebuild_by_key` config, checked: none without one, else {'column': the
    model's key column, 'inputs': {unique id: key column}, 'shared': {unique id: [column]},
    'reads': {unique id: the relation ref() reads}, 'own': whether those are all this
    target's own relations (not with --defer reading the state's, nor --empty's wrappers)}.
    `inputs` are the refs whose rows belong to one key (the model filters each by
    `in_build_pass(<key column>)`); every other ref is shared: a change to it rebuilds the
    whole table - to the columns listed in `shared_columns` when given (the model must read
    no other: narrowed_inputs_check). -#}
{% macro rebuild_by_key_inputs() %}
    {%- set declared = config.get('rebuild_by_key') -%}
    {%- if not declared -%}
        {{ return(none) }}
    {%- endif -%}
    {%- if declared is not mapping or not declared.get('column') or declared.get('inputs') is not mapping
        or not declared.get('inputs') -%}
        {{ exceptions.raise_compiler_error(model.name ~ ": config rebuild_by_key must be "
            ~ "{'column': <the model's key column>, 'inputs': {<ref name>: <its key column>, ...}}, got "
            ~ tojson(declared)) }}
    {%- endif -%}
    {%- set inputs = {} -%}
    {%- for name, column in declared['inputs'].items() -%}
        {%- set matches = [] -%}
        {%- for unique_id in model.depends_on.nodes if graph.nodes.get(unique_id, {}).get('name') == name -%}
            {%- do matches.append(unique_id) -%}
        {%- endfor -%}
        {%- if matches | length != 1 -%}
            {{ exceptions.raise_compiler_error(model.name ~ ": rebuild_by_key input '" ~ name
                ~ "' is not one ref of this model (refs: " ~ model.depends_on.nodes | join(', ') ~ ")") }}
        {%- endif -%}
        {%- do inputs.update({matches[0]: column}) -%}
    {%- endfor -%}
    {%- set shared = {} -%}
    {%- for name, columns in (declared.get('shared_columns') or {}).items() -%}
        {%- set matches = [] -%}
        {%- for unique_id in model.depends_on.nodes if graph.nodes.get(unique_id, {}).get('name') == name -%}
            {%- do matches.append(unique_id) -%}
        {%- endfor -%}
        {%- if matches | length != 1 or matches[0] in inputs or columns is string or not columns -%}
            {{ exceptions.raise_compiler_error(model.name ~ ": rebuild_by_key shared_columns '" ~ name
                ~ "' must be a ref of this model that is not in inputs, with a list of its columns") }}
        {%- endif -%}
        {%- do shared.update({matches[0]: columns | list}) -%}
    {%- endfor -%}
    {#- what ref() reads for each (with --defer, maybe the state's relation; with --empty, a
        wrapper): the key digests and shared contents are of this target's own relations only -#}
    {%- set read = _refs_read((inputs | list) + (shared | list)) -%}
    {{ return({'column': declared['column'], 'inputs': inputs, 'shared': shared, 'reads': read.reads, 'own': read.own}) }}
{% endmacro %}
