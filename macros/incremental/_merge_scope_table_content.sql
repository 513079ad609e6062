{#- SQL (text) for what a table with nested columns (lists, structs, maps) holds, by the text
    of those columns: its row count and the sum of the hashes of their values' text. hash()
    of a row or a list sees NULL, [] and [NULL] alike, and _model_fingerprint_content counts a
    table by its rows' hashes: a hand edit from one to the other would pass it. None for a
    table without nested columns (its content hash sees every value). -#}
{% macro _merge_scope_table_content(relation) %}
    {%- set nested = modules.re.compile('\\[|\\b(STRUCT|MAP|UNION)\\b') -%}
    {%- set columns = [] -%}
    {%- for column in adapter.get_columns_in_relation(relation) if nested.search(column.dtype | upper) -%}
        {%- do columns.append("cast(content_rows." ~ adapter.quote(column.name) ~ " as varchar)") -%}
    {%- endfor -%}
    {%- if not columns -%}
        {{ return(none) }}
    {%- endif -%}
    {{ return("(select count(*) || ':' || coalesce(sum(hash(" ~ columns | join(", ") ~ ")), 0) from " ~ relation
        ~ " as content_rows)") }}
{% endmacro %}
