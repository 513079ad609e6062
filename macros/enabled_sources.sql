{#- Which source systems feed this build: the var `enabled_sources` (default all three,
    dbt_project.yml), e.g. --vars '{enabled_sources: [mariadb, events]}'. A system switched
    off is never read: assert_landing_source checks nothing for it, its bronze models select
    from `landing_select`, which is then an empty relation with the columns and types the
    reader would give, and silver and gold build from what is present. -#}
{% macro enabled_sources() %}
    {%- set known = ['pos', 'mariadb', 'events'] -%}
    {%- set value = var('enabled_sources', known) -%}
    {%- if value is string -%}
        {#- from the command line as a comma-separated string: `pos,events` -#}
        {%- set value = value.split(',') | map('trim') | reject('equalto', '') | list -%}
    {%- elif value is none or value is mapping or value is not iterable -%}
        {{ exceptions.raise_compiler_error(
            "var enabled_sources = " ~ escaped_excerpt(value | string, 120)
            ~ ": not a list; list one or more of " ~ known | join(', ')
            ~ ", e.g. --vars '{enabled_sources: [pos, mariadb]}'.") }}
    {%- endif -%}
    {%- set unknown = [] -%}
    {%- for name in value if name not in known -%}{%- do unknown.append(name | string) -%}{%- endfor -%}
    {%- if unknown or value | length == 0 -%}
        {{ exceptions.raise_compiler_error(
            "var enabled_sources = " ~ escaped_excerpt(value | join(',') if value is iterable else value | string, 120)
            ~ ": " ~ ("unknown source system(s) " ~ escaped_excerpt(unknown | join(', '), 120) if unknown else "no source system")
            ~ "; list one or more of " ~ known | join(', ') ~ ".") }}
    {%- endif -%}
    {{ return(known | select('in', value) | list) }}
{% endmacro %}
