{% macro _model_fingerprint_deferred(node) %}
    {#- the relation ref() reads for this input instead of this target's, or none: as dbt-core
        1.11's RuntimeRefResolver, with --defer the state's relation (`defer_relation`) is read
        when --favor-state is set and the input is not selected, or when this target has no
        relation for it (that case has no state here anyway: the input's table is missing) -#}
    {%- set state = node.get('defer_relation') -%}
    {%- if not state or not invocation_args_dict.get('defer') or not invocation_args_dict.get('favor_state')
        or node.unique_id in selected_resources -%}
        {{ return(none) }}
    {%- endif -%}
    {%- set deferred = api.Relation.create(database=state.database, schema=state.schema,
        identifier=state.alias or state.name) -%}
    {%- set own = [node.database, node.schema, node.alias or node.name] | map('string') | map('lower') | list -%}
    {%- if [state.database, state.schema, state.alias or state.name] | map('string') | map('lower') | list == own -%}
        {#- the state is this warehouse's own: the same relation -#}
        {{ return(none) }}
    {%- endif -%}
    {{ return(deferred) }}
{% endmacro %}
