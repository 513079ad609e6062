{% macro _assert_complete_drops(node, files, pattern) %}
    {#- every drop folder must hold every entity file of the source system; all that are
        missing, in every drop, are listed in one error (whichever entity's model finds them) -#}
    {%- set entity_file = landing_source_glob(node.source_name, node.name).rsplit('/', 1)[1] -%}
    {%- set drop_glob = pattern.rsplit('/', 1)[0] ~ '/*' -%}
    {#- every entry of every drop, read or not, must be a regular file with a safe name -#}
    {{ _assert_landing_entries(landing_path(), drop_glob[landing_path() | length + 1:]) }}
    {%- set all_files = run_query("select file from glob(" ~ sql_string(drop_glob) ~ ") order by file").columns[0].values() -%}
    {%- set known = [] -%}
    {%- set required = [] -%}
    {%- for other in graph.sources.values() | sort(attribute='unique_id') if other.source_name == node.source_name -%}
        {%- set other_file = landing_source_glob(other.source_name, other.name).rsplit('/', 1)[1] -%}
        {%- do known.append(other_file) -%}
        {%- if other.meta.get('drop_entity') and not other.meta.get('optional', false) -%}
            {%- do required.append(other_file) -%}
        {%- endif -%}
    {%- endfor -%}
    {%- set folders = [] -%}
    {%- for file in all_files -%}
        {%- set folder = file.rsplit('/', 1)[0] -%}
        {%- if folder not in folders -%}{%- do folders.append(folder) -%}{%- endif -%}
        {%- if file.rsplit('/', 1)[1] not in known and entity_file == known[0] -%}
            {{ log("note: " ~ escaped_excerpt(file, 300) ~ " is not a POS entity file (" ~ known | join(', ') ~ "); it is not read", info=true) }}
        {%- endif -%}
    {%- endfor -%}
    {%- set incomplete = [] -%}
    {%- for folder in folders -%}
        {%- set lacking = [] -%}
        {%- for name in required if (folder ~ '/' ~ name) not in all_files -%}{%- do lacking.append(name) -%}{%- endfor -%}
        {%- if lacking -%}
            {%- do incomplete.append("POS drop " ~ escaped_excerpt(folder, 300) ~ " has no " ~ lacking | join(', ')) -%}
        {%- endif -%}
    {%- endfor -%}
    {%- if incomplete -%}
        {{ exceptions.raise_compiler_error(
            incomplete[:5] | join('; ')
            ~ (" (and " ~ (incomplete | length - 5) ~ " more drops; " ~ incomplete | length ~ " incomplete in all)" if incomplete | length > 5 else "")
            ~ ": every drop must contain all entity files (" ~ required | join(', ')
            ~ "; a header-only file when there is nothing to send).") }}
    {%- endif -%}
{% endmacro %}
