{% macro _record_count_update(source_name, table, file, parsed_rows_query) %}
    {#- the statement setting one file's parsed rows (`parsed_rows_query`, one count) in the
        counts table; a statement of its own, after our count of the file was taken -#}
    {{ return(
        "update temp.main." ~ _record_counts_table(source_name)
        ~ " set parsed_rows = (" ~ parsed_rows_query ~ ")"
        ~ " where entity = '" ~ table ~ "' and file_path = " ~ sql_string(file)) }}
{% endmacro %}
