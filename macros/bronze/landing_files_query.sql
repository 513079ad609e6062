{#- The query of `brz_landing__files`: one row per landed file of every landing source this
    model depends on whose system is enabled, with its identity (path, size, last-modified
    time): the size from DuckDB's `read_blob` metadata, the time to the microsecond from
    the plugin aethermart.dbt_plugins.landing_guard (`read_blob` has whole seconds); the files are
    listed, never opened. The
    landing guard's lstat walk (`_assert_landing_entries`) runs first, so a symlink or an
    unreadable name stops the build naming the entry before DuckDB lists it. -#}
{% macro landing_files_query(pairs=none) %}
    {%- set selects = [] -%}
    {%- if execute -%}
        {%- set root = landing_path() -%}
        {%- for pair in (model.sources if pairs is none else pairs) | sort if source_enabled(pair[0]) -%}
            {%- set pattern = landing_source_glob(pair[0], pair[1]) -%}
            {%- if pattern.startswith(root ~ '/') and not modules.re.search('[*?\[\]\x00-\x1f\x7f]', root) -%}
                {{ _assert_landing_entries(root, pattern[root | length + 1:]) }}
            {%- endif -%}
            {%- set found = run_query("select count(*) from glob(" ~ sql_string(pattern) ~ ")").columns[0].values()[0] -%}
            {%- if found == 0 -%}{%- continue -%}{%- endif -%}
            {%- do selects.append(
                "select " ~ sql_string(pair[0]) ~ " as source_name, " ~ sql_string(pair[1]) ~ " as table_name, "
                ~ "filename as file_path, size as file_size, "
                ~ "cast(make_timestamp(aethermart_file_modified_us(filename)) as timestamptz) as file_modified_at "
                ~ "from read_blob(" ~ sql_string(pattern) ~ ")") -%}
        {%- endfor -%}
    {%- endif -%}
    {%- do selects.append(
        "select cast(null as varchar) as source_name, cast(null as varchar) as table_name, "
        ~ "cast(null as varchar) as file_path, cast(null as bigint) as file_size, "
        ~ "cast(null as timestamptz) as file_modified_at where false") -%}
    {{ return("select\n    source_name,\n    table_name,\n    file_path,\n    file_size,\n    file_modified_at\nfrom (\n    "
        ~ selects | join("\n    union all\n    ") ~ "\n) as listed") }}
{% endmacro %}
