{#- The model's compiled SQL with some of its inputs narrowed to listed columns: the relation
    ref() reads (`reads[unique id]`) replaced by `(select <columns> from <relation>)` for each
    unique id of `columns`, so nothing else of those inputs can reach the rows - whatever the
    SQL does (a whole-row `to_json(t)`, a natural join). `config_name` names the config that
    lists the columns, for the error when the relation does not appear in the SQL.
    narrowed_inputs_check then checks that this binds to the same output columns as the
    model's own SQL. -#}
{% macro narrowed_inputs_code(columns, reads, config_name) %}
    {%- set code = [compiled_code] -%}
    {%- for unique_id, listed in columns.items() -%}
        {%- set relation = reads[unique_id] -%}
        {%- if relation not in code[0] -%}
            {{ exceptions.raise_compiler_error(model.name ~ ": " ~ config_name ~ ": " ~ relation
                ~ " (what ref() reads) does not appear in the compiled SQL") }}
        {%- endif -%}
        {#- the input reached another way (named by hand, a source on the same table, ref()
            without its database) would read every column: refused -#}
        {%- set node = graph.nodes[unique_id] -%}
        {%- set name = (node.alias or node.name) | lower -%}
        {%- if name in (code[0] | lower | replace(relation | lower, '')) -%}
            {{ exceptions.raise_compiler_error(model.name ~ ": " ~ config_name ~ ": the compiled SQL names "
                ~ name ~ " other than as " ~ relation ~ " (what ref() reads); read it through ref() only") }}
        {%- endif -%}
        {%- set quoted = [] -%}
        {%- for column in listed -%}{%- do quoted.append(adapter.quote(column)) -%}{%- endfor -%}
        {%- do code.append(code.pop().replace(relation, "(select " ~ quoted | join(', ') ~ " from " ~ relation ~ ")")) -%}
    {%- endfor -%}
    {{ return(code[0]) }}
{% endmacro %}
