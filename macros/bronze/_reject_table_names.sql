{% macro _reject_table_names(relation) %}
    {%- set text = relation | string -%}
    {%- set errors = modules.re.search("rejects_table='([^']+)'", text) -%}
    {%- set scans = modules.re.search("rejects_scan='([^']+)'", text) -%}
    {%- if not errors or not scans -%}
        {{ exceptions.raise_compiler_error("source " ~ text[:80] ~ "... has no rejects_table / rejects_scan option") }}
    {%- endif -%}
    {{ return([errors.group(1), scans.group(1)]) }}
{% endmacro %}
