{#- sha256 of a normalized PII value (trimmed, lower case), salted with the var
    `pii_hash_salt`, else $AETHERMART_PII_SALT (empty by default; set it in production).
    NULL stays NULL. The same input always gives the same hash, so BI users can count and
    join on it without seeing the value. -#}
{% macro hash_pii(column) -%}
    case
        when {{ column }} is not null
            then sha256('{{ var("pii_hash_salt", env_var("AETHERMART_PII_SALT", "")) | replace("'", "''") }}' || lower(trim({{ column }})))
    end
{%- endmacro %}
