{% macro bronze_file_fingerprint() %}
    {#- what, besides the files, a model's rows depend on: its code, the rendered reader
        calls, meta and declared columns (names and types) of its sources (mappings, file
        names), the landing path and the
        enabled source systems; a change reads every file again. The source as its relation
        renders it (`render()`: under `--empty` its text is a `limit 0` subquery, which is not
        another source) -#}
    {%- set parts = [model.checksum.checksum if model.checksum is defined else '', landing_path(),
        enabled_sources() | join(',')] -%}
    {%- for pair in model.sources | sort -%}
        {%- set node = graph.sources.values()
            | selectattr('source_name', 'equalto', pair[0])
            | selectattr('name', 'equalto', pair[1]) | first -%}
        {%- do parts.append(pair | join('.') ~ ':' ~ source(pair[0], pair[1]).render() ~ ':'
            ~ tojson(node.meta) ~ ':' ~ _bronze_declared_columns(node)) -%}
    {%- endfor -%}
    {{ return(local_md5(parts | join('|'))) }}
{% endmacro %}
