{#- The one-line error for missing landing files: every missing location of the run at once,
    the landing root and the two ways out (point the landing path elsewhere, or switch the
    absent source systems off). -#}
{% macro missing_landing_files_message() %}
    {%- set missing = missing_landing_files() -%}
    {%- set systems = [] -%}
    {%- set listed = [] -%}
    {%- for name, pattern in missing -%}
        {%- set system = source_system_of(name.split('.')[0]) -%}
        {%- if system not in systems -%}{%- do systems.append(system) -%}{%- endif -%}
        {%- do listed.append(name ~ " (nothing matches '" ~ escaped_excerpt(pattern, 200) ~ "')") -%}
    {%- endfor -%}
    {%- set present = enabled_sources() | reject('in', systems) | list -%}
    {{ return(
        "Landing files missing for " ~ missing | length ~ " required source location(s) of the enabled sources ("
        ~ enabled_sources() | join(', ') ~ "): "
        ~ listed | join('; ') ~ ". "
        ~ "The landing path is '" ~ escaped_excerpt(landing_path(), 200) ~ "' (var landing_path, else $AETHERMART_LANDING). "
        ~ "If a source system does not exist for you, switch it off: "
        ~ "--vars '{enabled_sources: [" ~ (present | join(', ') if present else '...') ~ "]}' "
        ~ "(var enabled_sources; make SOURCES=" ~ (present | join(',') if present else '...') ~ ")."
    ) }}
{% endmacro %}
