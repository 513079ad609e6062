{#- True for rows of a MariaDB table's current data: its latest snapshot extraction and
    the incremental extractions published after it. Older extractions are history. -#}
{% macro current_extraction(table_name, extraction_column='_extraction_id') -%}
    {{ extraction_column }} >= (
        select coalesce(max(extraction_id), '')
        from {{ ref('brz_mariadb__extractions') }}
        where table_name = '{{ table_name }}' and extraction_mode = 'snapshot'
    )
{%- endmacro %}
