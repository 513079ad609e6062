{#- Root of the landing zone: var `landing_path`, else $AETHERMART_LANDING, else the var
    `landing_path_default` of dbt_project.yml (the committed sample; the `aethermart` command
    reads the same default, aethermart/landing.py). Source locations are written relative to it
    and joined to it at run time (`landing_source`), so it never appears in rendered config;
    assert_landing_source refuses glob and control characters in it. -#}
{% macro landing_path() -%}
    {{ return(var('landing_path', env_var('AETHERMART_LANDING', var('landing_path_default')))) }}
{%- endmacro %}
