{#- The `table` model's config `input_columns: {<ref name>: [<column>, ...]}`, checked: the
    refs of which the model reads the listed columns only. Returns {'columns': {unique id:
    [column]}, 'reads': {unique id: the relation ref() reads}, 'own': {unique id: whether that
    is this target's own relation}} ({} columns without the config). The table is built from
    the model's SQL with those refs narrowed to the listed columns (narrowed_inputs_code,
    checked by narrowed_inputs_check), so its rows depend on them alone by construction; its
    input fingerprint then takes those columns' content, not who wrote the input
    (model_fingerprint): an input rebuilt with only other columns changed keeps the table
    (`slv_events` reads the matched customers' keys, not their emails or cities). -#}
{% macro input_columns_declared() %}
    {%- set declared = config.get('input_columns') or {} -%}
    {%- if declared is not mapping -%}
        {{ exceptions.raise_compiler_error(model.name ~ ": config input_columns must be "
            ~ "{<ref name>: [<column>, ...]}, got " ~ tojson(declared)) }}
    {%- endif -%}
    {%- set columns = {} -%}
    {%- set reads = {} -%}
    {%- set own = {} -%}
    {%- for name, listed in declared.items() -%}
        {%- set matches = [] -%}
        {%- for unique_id in model.depends_on.nodes if graph.nodes.get(unique_id, {}).get('name') == name -%}
            {%- do matches.append(unique_id) -%}
        {%- endfor -%}
        {%- if matches | length != 1 or listed is string or listed is not iterable or listed is mapping or not listed -%}
            {{ exceptions.raise_compiler_error(model.name ~ ": config input_columns '" ~ name
                ~ "' must be one ref of this model with a list of its columns") }}
        {%- endif -%}
        {%- set node = graph.nodes[matches[0]] -%}
        {%- set read = ref(node.package_name, node.name) | string -%}
        {%- set own_relation = api.Relation.create(database=node.database, schema=node.schema,
            identifier=node.alias or node.name) -%}
        {%- if execute and load_relation(own_relation) is not none -%}
            {%- set present = [] -%}
            {%- for column in adapter.get_columns_in_relation(own_relation) -%}{%- do present.append(column.name | lower) -%}{%- endfor -%}
            {%- set missing = [] -%}
            {%- for column in listed if column | lower not in present -%}{%- do missing.append(column) -%}{%- endfor -%}
            {%- if missing -%}
                {{ exceptions.raise_compiler_error(model.name ~ ": config input_columns '" ~ name
                    ~ "' lists " ~ missing | join(', ') ~ ", not a column of " ~ own_relation) }}
            {%- endif -%}
        {%- endif -%}
        {%- do columns.update({matches[0]: listed | list}) -%}
        {%- do reads.update({matches[0]: read}) -%}
        {%- do own.update({matches[0]: read == own_relation | string}) -%}
    {%- endfor -%}
    {{ return({'columns': columns, 'reads': reads, 'own': own}) }}
{% endmacro %}
