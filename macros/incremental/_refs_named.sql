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

{#- SQL (text) of two statements of a plan of `rebuild_by_extraction` or `rebuild_by_landed_file`:
    the temp table aethermart_parent_states with the parents' keys now, and
    aethermart_changed_parents with the (parent, key) whose usability differs from the one
    recorded in `states` (a key new, gone or changed). -#}
{% macro _changed_parents_sql(spec, states) %}
    {{ return("create or replace temp table aethermart_parent_states as " ~ _rebuild_by_extraction_parent_states(spec)
        ~ ";\ncreate or replace temp table aethermart_changed_parents as"
        ~ " select coalesce(now.parent, was.parent) as parent, coalesce(now.key, was.key) as key"
        ~ " from aethermart_parent_states as now full outer join " ~ states ~ " as was"
        ~ " on now.parent = was.parent and now.key = was.key where now.is_usable is distinct from was.is_usable") }}
{% endmacro %}
