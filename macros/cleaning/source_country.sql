{#- The country of a source system (var `source_countries`, default US for every source):
    decides whether region codes are checked against the USPS reference `us_states`. -#}
{% macro source_country(source_system) -%}
    {{ return((var('source_countries', {}).get(source_system, 'US') | string | upper)) }}
{%- endmacro %}
