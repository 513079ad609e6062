{#- Root of the landing zone: var `landing_path`, else $AETHERMART_LANDING, else the
    committed sample. Source YAML repeats this expression (macros are not available there). -#}
{% macro landing_path() -%}
    {{ return(var('landing_path', env_var('AETHERMART_LANDING', 'sample/landing'))) }}
{%- endmacro %}
