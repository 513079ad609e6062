{#- The SQL a `rebuild_by_key` model is built from, by either path: its compiled SQL with
    each shared input that lists `shared_columns` narrowed to those columns - the relation
    ref() reads replaced by `(select <columns> from <relation>)` - so the documents depend on
    the listed columns only, by construction (a whole-row reference or a natural join sees
    those columns alone). rebuild_by_key_check_shared checks that this binds to the same
    output columns as the model's own SQL. -#}
{% macro rebuild_by_key_code(keyed) %}
    {%- set code = [compiled_code] -%}
    {%- for unique_id, columns in keyed.shared.items() -%}
        {%- set relation = keyed.reads[unique_id] -%}
        {%- if relation not in code[0] -%}
            {{ exceptions.raise_compiler_error(model.name ~ ": rebuild_by_key shared_columns: " ~ relation
                ~ " (what ref() reads) does not appear in the compiled SQL") }}
        {%- endif -%}
        {%- set quoted = [] -%}
        {%- for column in columns -%}{%- do quoted.append(adapter.quote(column)) -%}{%- endfor -%}
        {%- do code.append(code.pop().replace(relation, "(select " ~ quoted | join(', ') ~ " from " ~ relation ~ ")")) -%}
    {%- endfor -%}
    {{ return(code[0]) }}
{% endmacro %}
