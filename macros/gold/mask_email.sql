{#- An email with its local part masked but for the first character and its domain kept:
    `jane.doe@example.com` -> `j***@example.com`. NULL stays NULL. -#}
{% macro mask_email(column) -%}
    case
        when {{ column }} like '%_@_%'
            then left({{ column }}, 1) || '***@' || split_part({{ column }}, '@', 2)
    end
{%- endmacro %}
