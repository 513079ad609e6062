{% macro _first_line_rejected(file) %}
    {#- scans the whole file with stored rejects: is line 1 (the header) unreadable? -#}
    {%- set result = run_query(
        "select count(*) from read_csv(" ~ sql_string(file) ~ ", header=false, auto_detect=false, "
        ~ "columns={'header_line': 'VARCHAR'}, delim=e'\\x1f', quote='', escape='', "
        ~ "strict_mode=false, store_rejects=true, rejects_table='_aethermart_header_rejects', "
        ~ "rejects_scan='_aethermart_header_scans'); "
        ~ "select count(*) from _aethermart_header_rejects where line = 1").columns[0].values() -%}
    {{ return(result[0] > 0) }}
{% endmacro %}
