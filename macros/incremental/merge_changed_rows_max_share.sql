{#- var `merge_changed_rows_max_share`, checked: the share of a table's keys (merge_changed_rows)
    or rows (rebuild_by_extraction_plan) above which a table is cheaper written whole, a
    number from 0 to 1 -#}
{% macro merge_changed_rows_max_share() %}
    {%- set share = var('merge_changed_rows_max_share', 0.2) -%}
    {%- if share is not number or share is boolean or share < 0 or share > 1 -%}
        {{ exceptions.raise_compiler_error("var merge_changed_rows_max_share must be a number from 0 to 1 "
            ~ "(the share of a table's keys above which it is written whole), got " ~ tojson(share)) }}
    {%- endif -%}
    {{ return(share) }}
{% endmacro %}
