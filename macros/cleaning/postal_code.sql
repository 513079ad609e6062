{#- The postal code of a source's country: for a US source the 5-digit zip (`zip5`:
    leading zeros restored, NULL when not a zip); for any other country the code as given
    (white space normalized, upper case), since `zip5` would pad or drop it. -#}
{% macro postal_code(expression, source_system) -%}
    {%- if source_country(source_system) == 'US' -%}
        {{ zip5(expression) }}
    {%- else -%}
        {{ region_code(expression) }}
    {%- endif -%}
{%- endmacro %}
