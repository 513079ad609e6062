{#- `dbt source freshness` on landing sources: dbt's query (`max(loaded_at_field)`,
    `current_timestamp`) over what the source really reads. A source relation renders as its
    external_location, whose path is relative to the landing root (landing_source), so the
    path is joined to `landing_path()` here as in the models. A CSV source (POS) is not
    opened: its rows are its files, with the drop's partition column (`load_date`) taken
    from the folder name, so a freshness check costs a directory listing. A MariaDB table
    is read from its extractions' manifests, which also record the runs that found it
    unchanged (`checked_at`). A source whose
    system is switched off (enabled_sources) is refused with one line saying so. -#}
{% macro duckdb__collect_freshness(source, loaded_at_field, filter) %}
    {%- set location = source | string -%}
    {%- set node = graph.sources.values()
        | selectattr('source_name', 'equalto', source.schema)
        | selectattr('name', 'equalto', source.identifier) | first -%}
    {%- if node is not defined or node is none or not node.meta.get('external_location') -%}
        {{ return(default__collect_freshness(source, loaded_at_field, filter)) }}
    {%- endif -%}
    {%- if not source_enabled(node.source_name) -%}
        {%- set selectors = [] -%}
        {%- for system in enabled_sources() -%}
            {%- do selectors.append('source:' ~ system) -%}
            {%- if system == 'mariadb' -%}{%- do selectors.append('source:mariadb_extractions') -%}{%- endif -%}
        {%- endfor -%}
        {{ exceptions.raise_compiler_error(
            "source " ~ node.source_name ~ "." ~ node.name ~ ": source system "
            ~ source_system_of(node.source_name) ~ " is switched off (var enabled_sources); check the "
            ~ "others with: dbt source freshness --select " ~ selectors | join(' ')) }}
    {%- endif -%}
    {%- set rooted = landing_rooted_location(location) -%}
    {%- if node.meta.get('landing_format') == 'csv' -%}
        {%- set pattern = landing_location_glob(rooted) -%}
        {%- if node.meta.get('file_name') -%}
            {%- set pattern = pattern.rsplit('/', 1)[0] ~ '/' ~ node.meta.get('file_name') -%}
        {%- endif -%}
        {%- set partition = csv_source_tables(node.source_name).partition_column -%}
        {%- set relation = "(select file as filename, regexp_extract(file, '/" ~ partition ~ "=([^/]+)/', 1) as "
            ~ adapter.quote(partition) ~ " from glob(" ~ sql_string(pattern) ~ ")) as landed_files" -%}
    {%- elif node.source_name == 'mariadb' and node.meta.get('landing_format') == 'parquet' -%}
        {#- a MariaDB table: its extractions' manifests (the extraction id, and `checked_at`
            when a later run found the content unchanged and did not land it again) -#}
        {%- set pattern = landing_location_glob(rooted).rsplit('/', 1)[0] ~ '/_manifest.json' -%}
        {%- set relation = "read_json(" ~ sql_string(pattern)
            ~ ", columns={'extraction_id': 'VARCHAR', 'checked_at': 'VARCHAR'}) as manifests" -%}
    {%- else -%}
        {%- set relation = rooted -%}
    {%- endif -%}
    {% call statement('collect_freshness', fetch_result=True, auto_begin=False) -%}
        select
            max({{ loaded_at_field }}) as max_loaded_at,
            {{ current_timestamp() }} as snapshotted_at
        from {{ relation }}
        {% if filter %}
        where {{ filter }}
        {% endif %}
    {%- endcall %}
    {{ return(load_result('collect_freshness')) }}
{% endmacro %}
