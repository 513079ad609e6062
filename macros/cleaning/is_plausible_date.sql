{#- True when the DATE (or timestamp) expression lies in the plausibility window of its
    kind; NULL for a NULL value. -#}
{% macro is_plausible_date(expression, kind='event') -%}
    {%- set window = plausible_date_window(kind) -%}
    (cast({{ expression }} as date) between date '{{ window[0] }}' and date '{{ window[1] }}')
{%- endmacro %}
