{#- The keys of a checked parent entity with whether any row of the key reached silver:
    a child whose key is absent is an `orphan_fk`, one whose key is not usable is
    `parent_quarantined`. -#}
{% macro usable_keys(checked_model, key_column) -%}
    select
        {{ key_column }},
        bool_or(outcome = 'silver') as is_usable
    from {{ ref(checked_model) }}
    where {{ key_column }} is not null
    group by {{ key_column }}
{%- endmacro %}
