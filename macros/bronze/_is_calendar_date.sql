{% macro _is_calendar_date(text) %}
    {#- true when the text starts with a real date as YYYY-MM-DD or YYYYMMDD -#}
    {%- set parts = modules.re.match('(\d{4})-?(\d{2})-?(\d{2})', text) -%}
    {%- if not parts -%}{{ return(false) }}{%- endif -%}
    {%- set y, m, d = parts.group(1) | int, parts.group(2) | int, parts.group(3) | int -%}
    {%- if m < 1 or m > 12 or d < 1 -%}{{ return(false) }}{%- endif -%}
    {%- set leap = (y % 4 == 0 and y % 100 != 0) or y % 400 == 0 -%}
    {%- set days = [31, 29 if leap else 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31][m - 1] -%}
    {{ return(d <= days) }}
{% endmacro %}
