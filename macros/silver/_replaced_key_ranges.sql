{#- Part of current_extraction: the key ranges that the delta extractions of a MariaDB table
    since its latest snapshot replaced, as {extraction_id: [(lo, hi), ...]}, read when the
    model runs, so that the model's SQL compares each row's key with a few literals instead
    of joining every row with the list of extractions (at scale 10 the correlated form took
    3-4 s more of slv_mariadb_order_items__checked). None while parsing, in a unit test, and
    past `limit` ranges (default: var `replaced_key_ranges_max_literals`) or before the list
    of extractions is built (the caller then joins). -#}
{% macro _replaced_key_ranges(table_name, limit=none) %}
    {%- if not execute or graph.get('sources') is none -%}{{ return(none) }}{%- endif -%}
    {%- if limit is none -%}
        {%- set limit = var('replaced_key_ranges_max_literals', 256) -%}
        {%- if limit is not number or limit < 0 or limit != limit | int -%}
            {{ exceptions.raise_compiler_error("var replaced_key_ranges_max_literals must be a whole number "
                ~ "0 or more (how many replaced key ranges are compared as literals), got " ~ tojson(limit)) }}
        {%- endif -%}
    {%- endif -%}
    {%- set extractions = ref('brz_mariadb__extractions') -%}
    {%- if load_relation(extractions) is none -%}{{ return(none) }}{%- endif -%}  {#- compiled before a build (sqlfluff) -#}
    {%- set found = run_query(
        "select extraction_id, cast(replaced.lo as varchar), cast(replaced.hi as varchar) from ("
        ~ " select extraction_id, unnest(replaced_key_ranges) as replaced from " ~ extractions
        ~ " where table_name = " ~ sql_string(table_name) ~ " and extraction_mode = 'delta'"
        ~ " and extraction_id > (select coalesce(max(extraction_id), '') from " ~ extractions
        ~ " where table_name = " ~ sql_string(table_name) ~ " and extraction_mode = 'snapshot')"
        ~ ") order by all limit " ~ (limit + 1)) -%}
    {%- if found.rows | length > limit -%}{{ return(none) }}{%- endif -%}
    {%- set by_extraction = {} -%}
    {%- for row in found.rows -%}
        {%- do by_extraction.setdefault(row[0], []).append((row[1], row[2])) -%}
    {%- endfor -%}
    {{ return(by_extraction) }}
{% endmacro %}
