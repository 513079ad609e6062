{#- The model's refs by name ({name: [unique id, ...]}), after checking that each name of
    `named` ({ref name: its role, as the error names it}) is exactly one ref of the model;
    `config_name` is the config that names them. -#}
{% macro _refs_named(named, config_name) %}
    {%- set by_name = {} -%}
    {%- for unique_id in model.depends_on.nodes -%}
        {%- do by_name.setdefault(graph.nodes.get(unique_id, {}).get('name'), []).append(unique_id) -%}
    {%- endfor -%}
    {%- for name, role in named.items() if (by_name.get(name) or []) | length != 1 -%}
        {{ exceptions.raise_compiler_error(model.name ~ ": " ~ config_name ~ " " ~ role ~ " '" ~ name
            ~ "' is not one ref of this model (refs: " ~ model.depends_on.nodes | join(', ') ~ ")") }}
    {%- endfor -%}
    {{ return(by_name) }}
{% endmacro %}
