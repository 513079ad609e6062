{#- The `table` model's config `rebuild_by_extraction`, checked: none without one, else
      {'table': the MariaDB table, 'key': the key column (of the bronze input and of the
       model, which holds it as text), 'extract_key': the table's `meta.extract.key` (the
       column a delta's replaced ranges are of; none without one), 'input': the bronze
       model's unique id, 'extractions': brz_mariadb__extractions' unique id, 'parents':
       {unique id: column}, 'shared': [unique id of every other ref], 'reads': {unique id:
       the relation ref() reads}, 'own': whether the input, the list of extractions and the
       parents are this target's own relations (not --defer's state, nor --empty's wrappers)}.
    A model with it is one MariaDB table's checked rows: each row belongs to one key, and a
    key's rows depend on that key's bronze rows, the list of extractions and, for each
    parent, whether the key in `column` has a silver row there (macro usable_keys). -#}
{% macro rebuild_by_extraction_inputs() %}
    {%- set declared = config.get('rebuild_by_extraction') -%}
    {%- if not declared -%}
        {{ return(none) }}
    {%- endif -%}
    {%- set parents_declared = declared.get('parents') or {} if declared is mapping else {} -%}
    {%- if declared is not mapping or declared.get('table') is not string or declared.get('input') is not string
        or declared.get('key') is not string or parents_declared is not mapping -%}
        {{ exceptions.raise_compiler_error(model.name ~ ": config rebuild_by_extraction must be {'table': "
            ~ "<MariaDB table>, 'input': <its bronze model>, 'key': <its key column>, 'parents': {<ref name>: "
            ~ "<column>, ...}}, got " ~ tojson(declared)) }}
    {%- endif -%}
    {#- the table the model's current_extraction() reads (its error text names it): another
        table's extractions would decide which of this model's rows to rebuild -#}
    {%- if execute and ("MariaDB table " ~ declared['table'] ~ ": its extraction") not in compiled_code -%}
        {{ exceptions.raise_compiler_error(model.name ~ ": config rebuild_by_extraction names table '"
            ~ declared['table'] ~ "', but the model's SQL does not read its current extraction "
            ~ "(current_extraction('" ~ declared['table'] ~ "', ...))") }}
    {%- endif -%}
    {%- set named = {declared['input']: 'input', 'brz_mariadb__extractions': 'the list of extractions (current_extraction)'} -%}
    {%- for name in parents_declared -%}{%- do named.update({name: 'parent'}) -%}{%- endfor -%}
    {%- set by_name = _refs_named(named, 'rebuild_by_extraction') -%}
    {%- set parents = {} -%}
    {%- for name, column in parents_declared.items() -%}
        {%- do parents.update({by_name[name][0]: column}) -%}
    {%- endfor -%}
    {%- set input = by_name[declared['input']][0] -%}
    {%- set extractions = by_name['brz_mariadb__extractions'][0] -%}
    {%- set shared = [] -%}
    {%- for unique_id in model.depends_on.nodes | unique | sort
        if unique_id not in parents and unique_id not in (input, extractions) -%}
        {%- do shared.append(unique_id) -%}
    {%- endfor -%}
    {%- set read = _refs_read([input, extractions] + (parents | list)) -%}
    {{ return({'table': declared['table'], 'key': declared['key'], 'extract_key': _extraction_key(declared['table']),
        'input': input, 'extractions': extractions, 'parents': parents, 'shared': shared, 'reads': read.reads,
        'own': read.own}) }}
{% endmacro %}
