{#- One audit_reconciliation row: rows landed in bronze, rows in the conformed silver
    model (`silver_model` filtered by `silver_filter`), and the outcomes recorded by the
    entity's checked model. With `extracted_table` (MariaDB), the bronze rows of the table's
    older extractions, which the checked model leaves out (resolve_versions), count as
    superseded. -#}
{% macro reconcile_entity(source_system, entity, bronze_model, checked_model, silver_model,
                          silver_filter='true', rejects_model=none, extracted_table=none) -%}
    select
        '{{ source_system }}' as source_system,
        '{{ entity }}' as entity,
        (select count(*) from {{ ref(bronze_model) }}) as landed_rows,
        (select count(*) from {{ ref(silver_model) }} where {{ silver_filter }}) as silver_rows,
        (select count(*) from {{ ref(checked_model) }} where outcome = 'quarantined') as quarantined_rows,
        (select count(*) from {{ ref(checked_model) }} where outcome = 'duplicate') as duplicate_rows,
        (select count(*) from {{ ref(checked_model) }} where outcome = 'superseded')
        {%- if extracted_table %}
        + (
            select count(*) from {{ ref(bronze_model) }}
            where ({{ current_extraction(extracted_table) }}) is false
        )
        {%- endif %} as superseded_rows,
        {%- if rejects_model %}
        (
            select count(*) from {{ ref(rejects_model) }}
            where entity = '{{ entity }}' and not is_recovered
        ) as rejected_lines
        {%- else %}
        0 as rejected_lines
        {%- endif %}
{%- endmacro %}
