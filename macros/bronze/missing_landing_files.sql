{#- Every required landing location of every enabled source system that matches no file,
    as [source.table, glob] pairs (optional tables and switched-off systems are skipped).
    The location is `landing_source_glob`'s, so a table's meta.file_name counts. -#}
{% macro missing_landing_files() %}
    {%- set missing = [] -%}
    {%- for node in graph.sources.values() | sort(attribute='unique_id')
        if node.package_name == project_name and node.meta.get('landing_format')
        and not node.meta.get('optional', false) and source_enabled(node.source_name) -%}
        {%- set pattern = landing_source_glob(node.source_name, node.name) -%}
        {%- set found = run_query("select count(*) from glob(" ~ sql_string(pattern) ~ ")").columns[0].values()[0] -%}
        {%- if found == 0 -%}
            {%- do missing.append([node.source_name ~ "." ~ node.name, pattern]) -%}
        {%- endif -%}
    {%- endfor -%}
    {{ return(missing) }}
{% endmacro %}
