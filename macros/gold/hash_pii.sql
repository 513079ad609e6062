{#- sha256 of a normalized PII value (trimmed, lower case), prefixed with the salt. The salt
    reaches DuckDB as the variable `aethermart_pii_salt`, set by the profile's plugin
    aethermart/dbt_plugins/pii_salt.py from $AETHERMART_PII_SALT (or, in the demo target, from the
    warehouse's salt file), so it is never written into compiled SQL, logs or the manifest.
    An empty salt stops the query (the plugin refuses it first; this guards any other way
    in). NULL stays NULL. The same input always gives the same hash, so BI users can count
    and join on it without seeing the value. -#}
{% macro hash_pii(column) -%}
    case
        when {{ column }} is not null
            then sha256(
                coalesce(
                    nullif(getvariable('aethermart_pii_salt'), ''),
                    error('AETHERMART_PII_SALT is empty: gold PII hashes need a secret salt')
                ) || lower({{ trim_whitespace(column) }})
            )
    end
{%- endmacro %}
