{% macro node_memo() %}
    {#- A dict that lives as long as the current node's context: one rendering of the model's
        SQL, or one run of its materialization (with its hooks). dbt builds `model` afresh for
        each context (a copy of the node), so what is kept here is never shared with another
        node or another phase. Introspective queries whose answer cannot change within the
        context (is the bronze model incremental, which files does it read, is a plugin
        registered) are run once per context instead of once per call: a bronze model called
        them 10-20 times each. Outside a node (run-operation, hooks) it is a new dict. -#}
    {%- if model is mapping -%}
        {{ return(model.setdefault('aethermart_node_memo', {})) }}
    {%- endif -%}
    {{ return({}) }}
{% endmacro %}
