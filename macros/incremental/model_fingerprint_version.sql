{% macro model_fingerprint_version() %}
    {#- bump when the materializations change what they write for the same inputs -#}
    {{ return('aethermart-table-fingerprint-v1') }}
{% endmacro %}
