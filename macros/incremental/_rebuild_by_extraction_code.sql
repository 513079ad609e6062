{#- The SQL a model with `rebuild_by_extraction` is built from (spec from
    rebuild_by_extraction_inputs): its compiled SQL with each parent replaced by what the model
    may know of it - one row per key in the parent's `column` with the outcome 'silver' when
    any row of the key reached silver, else 'quarantined' (what usable_keys and a `where
    outcome = 'silver'` read) - so the rows depend on the parent's keys' usability alone, which
    is what ops records per key (rebuild_by_extraction_record); with `keys` (a relation of
    text keys, the rebuild of some keys) the bronze input too is replaced by its rows of those
    keys and its rows without a key. Reference a parent through an alias or its columns
    unqualified: the subquery has no name of its own. -#}
{% macro _rebuild_by_extraction_code(spec, keys=none) %}
    {%- set code = [compiled_code] -%}
    {%- for unique_id, column in spec.parents.items() | sort -%}
        {%- set quoted = adapter.quote(column) -%}
        {%- do code.append(_rebuild_by_extraction_replace(code.pop(), spec.reads[unique_id], unique_id,
            "(select " ~ quoted ~ ", case when bool_or(outcome = 'silver') then 'silver' else 'quarantined' end as outcome"
            ~ " from " ~ spec.reads[unique_id] ~ " where " ~ quoted ~ " is not null group by " ~ quoted ~ ")")) -%}
    {%- endfor -%}
    {%- if keys is not none -%}
        {%- set key = adapter.quote(spec.key) -%}
        {%- do code.append(_rebuild_by_extraction_replace(code.pop(), spec.reads[spec.input], spec.input,
            "(select * from " ~ spec.reads[spec.input] ~ " where " ~ key ~ " is null or cast(" ~ key
            ~ " as varchar) in (select key from " ~ keys ~ "))")) -%}
    {%- endif -%}
    {{ return(code[0]) }}
{% endmacro %}

{% macro _rebuild_by_extraction_replace(code, relation, unique_id, replacement) %}
    {#- `code` with the relation ref() reads replaced by `replacement`; the relation named any
        other way (by hand, through a source) would escape the replacement: refused -#}
    {%- set config_name = 'rebuild_by_landed_file' if config.get('rebuild_by_landed_file') else 'rebuild_by_extraction' -%}
    {%- if relation not in code -%}
        {{ exceptions.raise_compiler_error(model.name ~ ": " ~ config_name ~ ": " ~ relation
            ~ " (what ref() reads) does not appear in the compiled SQL") }}
    {%- endif -%}
    {%- set node = graph.nodes[unique_id] -%}
    {%- if (node.alias or node.name) | lower in (code | lower | replace(relation | lower, '')) -%}
        {{ exceptions.raise_compiler_error(model.name ~ ": " ~ config_name ~ ": the compiled SQL names "
            ~ (node.alias or node.name) ~ " other than as " ~ relation ~ " (what ref() reads); read it through ref() only") }}
    {%- endif -%}
    {{ return(code.replace(relation, replacement)) }}
{% endmacro %}
