{#- sha256 of a normalized PII value (trimmed, lower case), prefixed with the salt from
    $AETHERMART_PII_SALT (empty when unset; set it in production). The salt reaches DuckDB
    as the variable `aethermart_pii_salt`, set by the profile's plugin
    aethermart/dbt_pii_salt.py, so it is never written into compiled SQL, logs or the
    manifest. NULL stays NULL. The same input always gives the same hash, so BI users can
    count and join on it without seeing the value. -#}
{% macro hash_pii(column) -%}
    case
        when {{ column }} is not null
            then sha256(coalesce(getvariable('aethermart_pii_salt'), '') || lower({{ trim_whitespace(column) }}))
    end
{%- endmacro %}
