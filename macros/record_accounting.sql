{#- Record accounting independent of DuckDB's CSV reader, for the sources read as text.

    DuckDB's reader can lose a record without rejecting it (a ~40 MB record vanishes,
    while a 3 MB one is rejected as LINE SIZE OVER MAXIMUM). So the rejects model's pre-hook
    (`collect_csv_rejects`) keeps, per file, the rows DuckDB parsed and the records counted
    by our own reader (`aethermart_count_records`, a Python function registered by the
    dbt-duckdb plugin `aethermart.dbt_record_count`) in a temporary table, and the rejects
    model stops the build when parsed rows + rejected records differ from that count. -#}
{% macro _record_counts_table(source_name) %}
    {{ return('brz_record_counts_' ~ source_name) }}
{% endmacro %}


{% macro _unreadable_rest_error_types() %}
    {#- reject types after which the reader cannot tell where the next records start -#}
    {{ return('UNQUOTED VALUE|INVALID STATE|LINE SIZE OVER MAXIMUM') }}
{% endmacro %}


{% macro _record_counts_create(source_name) %}
    {{ return(
        "create or replace temp table " ~ _record_counts_table(source_name) ~ " ("
        ~ "entity varchar, file_path varchar, parsed_rows bigint, max_line_size bigint, "
        ~ "counted struct(records bigint, longest_record bigint, longest_record_bytes bigint))") }}
{% endmacro %}


{% macro _record_count_insert(source_name, table, location, file, parsed_rows_query) %}
    {#- one row of the counts table: the rows DuckDB parsed (`parsed_rows_query`, one
        count) and our count of the file's records, with the reader's own options -#}
    {%- set option = modules.re.search -%}
    {%- set quote = option("[(,\s]quote=('[^']*')", location) -%}
    {%- set escape = option("[(,\s]escape=('[^']*')", location) -%}
    {%- set delimiter = option("[(,\s]delim=(e?'[^']*')", location) -%}
    {%- set header = option("[(,\s]header=(true|false)", location) -%}
    {%- set max_line_size = option("[(,\s]max_line_size=([0-9]+)", location) -%}
    {%- if not quote or not delimiter or not header or (escape and escape.group(1) not in [quote.group(1), "''"]) -%}
        {{ exceptions.raise_compiler_error(
            "source " ~ source_name ~ "." ~ table ~ ": its read_csv call needs explicit quote, delim and header "
            ~ "options, and an escape equal to the quote (the record count follows them)") }}
    {%- endif -%}
    {%- set file_literal = sql_string(file) -%}
    {{ return(
        "insert into temp.main." ~ _record_counts_table(source_name)
        ~ " select '" ~ table ~ "', " ~ file_literal ~ ", parsed.parsed_rows, "
        ~ (max_line_size.group(1) if max_line_size else '2000000') ~ ", "
        ~ "aethermart_count_records(" ~ file_literal ~ ", " ~ quote.group(1) ~ ", "
        ~ delimiter.group(1) ~ ", " ~ header.group(1) ~ ", "
        ~ ('false' if csv_source_tables(source_name).blank_lines_are_records else 'true') ~ ") "
        ~ "from (" ~ parsed_rows_query ~ ") as parsed (parsed_rows)") }}
{% endmacro %}


{% macro record_accounting(source_name, rejected_lines_cte='rejected_lines') %}
{#- The CTEs `record_accounting` (per file: parsed rows, rejected records, counted records)
    and `unaccounted_records`, which has no rows: it stops the build with DuckDB's
    `error()` for a file whose records do not add up. Files with a reject after which the
    reader cannot find the next records are left to `csv_rejected_lines`, which stops the
    build for them with the reader's own reason. -#}
record_accounting as (

    select
        counts.entity,
        counts.file_path,
        counts.parsed_rows,
        count({{ rejected_lines_cte }}.line) as rejected_records,
        counts.counted.records as counted_records,
        counts.counted.longest_record as longest_record,
        counts.counted.longest_record_bytes as longest_record_bytes,
        counts.max_line_size,
        coalesce(bool_or(
            regexp_matches({{ rejected_lines_cte }}.error_types, '{{ _unreadable_rest_error_types() }}')
        ), false) as has_unreadable_rest
    from temp.main.{{ _record_counts_table(source_name) }} as counts
    left join {{ rejected_lines_cte }}
        on counts.file_path = {{ rejected_lines_cte }}.file_path
    group by all

),

unaccounted_records as (

    select entity
    from record_accounting
    where
        case
            when not has_unreadable_rest and parsed_rows + rejected_records != counted_records
                then error(
                    'File ' || file_path || ': ' || counted_records || ' records counted '
                    || '(aethermart_count_records), but DuckDB''s CSV reader returned '
                    || parsed_rows || ' rows and rejected ' || rejected_records
                    || ' records. Suspect record ' || longest_record || ', the longest ('
                    || longest_record_bytes || ' bytes with its line end; the reader''s '
                    || 'max_line_size is ' || max_line_size || ' bytes): a record far '
                    || 'over it can vanish without a reject. Fix or split it and run again.'
                )
            else false
        end

)
{% endmacro %}
