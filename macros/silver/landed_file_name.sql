{#- A landed file's name below the landing root (`pos/load_date=2025-07-01/order.csv`): the
    same wherever the landing zone lives, so audit rows compare across landing paths. -#}
{% macro landed_file_name(path_expression) -%}
    regexp_extract({{ path_expression }}, '[^/]+/[^/]+/[^/]+$')
{%- endmacro %}
