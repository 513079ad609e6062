{#- The `table` model's config `rebuild_by_landed_file`, checked: none without one, else
      {'input': the bronze model's unique id, 'key': the model's key column (text),
       'input_key': the SQL expression over the input's columns that gives a row's key,
       'parents': {unique id: column}, 'appended_drops': bool, 'shared': [unique id of every other ref], 'reads':
       {unique id: the relation ref() reads}, 'own': whether the input and the parents are
       this target's own relations (not --defer's state, nor --empty's wrappers)}.
    A model with it holds the checked rows of one incremental bronze model (one landed entity
    of many files, such as the POS order lines of every drop): each row belongs to one key, and
    a key's rows depend on that key's bronze rows in every file, on whole files (a file's
    layout) and, for each parent, on whether the key in `column` has a silver row there (macro
    usable_keys). Its SQL filters its input by in_rebuilt_keys(<the key>) after anything that
    reads a whole file.
    With 'appended_drops': true the model also declares that it checks each drop's rows alone
    and orders a key's versions by drop, the latest first (resolve_versions with version_order
    '_load_date desc' and group_by '_load_date'): a later drop changes no earlier row but the
    silver row of a key it brings a silver row for, which becomes superseded. Its SQL then
    filters its input by in_appended_drops() too, and a build whose only changes are files
    landed after every row it holds computes only those files' rows (rebuild_by_landed_file_plan). -#}
{% macro rebuild_by_landed_file_inputs() %}
    {%- set declared = config.get('rebuild_by_landed_file') -%}
    {%- if not declared -%}
        {{ return(none) }}
    {%- endif -%}
    {%- set parents_declared = declared.get('parents') or {} if declared is mapping else {} -%}
    {%- set appended_drops = declared.get('appended_drops', false) if declared is mapping else false -%}
    {%- if declared is not mapping or declared.get('input') is not string or declared.get('key') is not string
        or declared.get('input_key') is not string or parents_declared is not mapping
        or appended_drops not in [true, false] -%}
        {{ exceptions.raise_compiler_error(model.name ~ ": config rebuild_by_landed_file must be {'input': "
            ~ "<its bronze model>, 'key': <its key column>, 'input_key': <SQL of the key from the input's "
            ~ "columns>, 'parents': {<ref name>: <column>, ...}, 'appended_drops': <true or false, optional>}, got "
            ~ tojson(declared)) }}
    {%- endif -%}
    {%- if execute and _rebuilt_keys_variable() not in compiled_code -%}
        {{ exceptions.raise_compiler_error(model.name ~ ": config rebuild_by_landed_file needs the model's SQL "
            ~ "to filter its input by in_rebuilt_keys(<the key>)") }}
    {%- endif -%}
    {%- if execute and appended_drops and _appended_files_variable() not in compiled_code -%}
        {{ exceptions.raise_compiler_error(model.name ~ ": config rebuild_by_landed_file with appended_drops needs "
            ~ "the model's SQL to filter its input by in_appended_drops()") }}
    {%- endif -%}
    {%- set named = {declared['input']: 'input'} -%}
    {%- for name in parents_declared -%}{%- do named.update({name: 'parent'}) -%}{%- endfor -%}
    {%- set by_name = _refs_named(named, 'rebuild_by_landed_file') -%}
    {%- set parents = {} -%}
    {%- for name, column in parents_declared.items() -%}
        {%- do parents.update({by_name[name][0]: column}) -%}
    {%- endfor -%}
    {%- set input = by_name[declared['input']][0] -%}
    {%- set shared = [] -%}
    {%- for unique_id in model.depends_on.nodes | unique | sort if unique_id not in parents and unique_id != input -%}
        {%- do shared.append(unique_id) -%}
    {%- endfor -%}
    {%- set read = _refs_read([input] + (parents | list)) -%}
    {{ return({'input': input, 'key': declared['key'], 'input_key': declared['input_key'], 'parents': parents,
        'appended_drops': appended_drops, 'shared': shared, 'reads': read.reads, 'own': read.own}) }}
{% endmacro %}
