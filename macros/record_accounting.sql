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


{% macro _record_counts_create(source_name, files=none) %}
    {#- the counts table, filled from the counted-files model (our count of every file,
        taken before DuckDB reads any of them); parsed_rows is set per file afterwards -#}
    {{ return(
        "create or replace temp table " ~ _record_counts_table(source_name) ~ " as select "
        ~ "entity, file_path, cast(null as bigint) as parsed_rows, max_line_size, "
        ~ "struct_pack(records := counted_records, longest_record := longest_record, "
        ~ "longest_record_bytes := longest_record_bytes) as counted "
        ~ "from " ~ ref(csv_source_tables(source_name).counted_files_model)
        ~ (" where file_path in (" ~ _sql_strings(files) ~ ")" if files is not none else "")) }}
{% endmacro %}


{% macro _reader_options(source_name, table, location) %}
    {#- the options of a source's reader call our count follows, as SQL literals -#}
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
    {{ return({
        'quote': quote.group(1), 'delimiter': delimiter.group(1), 'header': header.group(1),
        'max_line_size': max_line_size.group(1) if max_line_size else '2000000',
        'skip_blank_lines': 'false' if csv_source_tables(source_name).blank_lines_are_records else 'true',
    }) }}
{% endmacro %}


{% macro counted_files_query(source_name) %}
    {#- The counted-files model's query: one row per landed file of every text table of the
        source, with our own count of its records (`aethermart_count_records`), taken after
        the landing guard's checks and before DuckDB reads the file, and the columns the
        readers read it with (`landing_file_layouts`: contract names in the file's order). -#}
    {%- set selects = [] -%}
    {%- for table in csv_source_tables(source_name).tables -%}
        {%- set relation = landing_source(source_name, table) -%}
        {%- if not execute or not source_enabled(source_name) -%}{%- continue -%}{%- endif -%}
        {%- do assert_landing_source(source_name, table) -%}
        {%- set location = relation | string -%}
        {%- set options = _reader_options(source_name, table, location) -%}
        {%- set pattern = landing_source_glob(source_name, table) -%}
        {%- if bronze_is_incremental_model() -%}
            {#- incremental bronze: count only the new and changed files (bronze_file_plan) -#}
            {%- set files = bronze_file_plan(source_name, table) -%}
        {%- else -%}
            {%- set files = run_query("select file from glob(" ~ sql_string(pattern) ~ ") order by file").columns[0].values() -%}
        {%- endif -%}
        {%- for layout in landing_file_layouts(source_name, table, files) -%}
            {%- set read_columns = [] -%}
            {%- for column in landing_read_columns(layout.columns) -%}{%- do read_columns.append(sql_string(column)) -%}{%- endfor -%}
            {%- do selects.append(
                "select '" ~ table ~ "' as entity, " ~ sql_string(layout.file) ~ " as file_path, "
                ~ options.max_line_size ~ " as max_line_size, aethermart_count_records(" ~ sql_string(layout.file)
                ~ ", " ~ options.quote ~ ", " ~ options.delimiter ~ ", " ~ options.header ~ ", "
                ~ options.skip_blank_lines ~ ") as counted, [" ~ read_columns | join(", ") ~ "]::varchar[] as read_columns") -%}
        {%- endfor -%}
    {%- endfor -%}
    {%- if not selects -%}
        {%- do selects.append("select cast(null as varchar) as entity, cast(null as varchar) as file_path, "
            ~ "cast(null as integer) as max_line_size, cast(null as struct(records bigint, longest_record bigint, "
            ~ "longest_record_bytes bigint)) as counted, cast(null as varchar[]) as read_columns where false") -%}
    {%- endif -%}
    select
        entity,
        file_path,
        counted.records as counted_records,
        counted.longest_record as longest_record,
        counted.longest_record_bytes as longest_record_bytes,
        max_line_size,
        read_columns
    from (
        {{ selects | join("\n        union all\n        ") }}
    ) as files
{% endmacro %}


{% macro _record_count_update(source_name, table, file, parsed_rows_query) %}
    {#- the statement setting one file's parsed rows (`parsed_rows_query`, one count) in the
        counts table; a statement of its own, after our count of the file was taken -#}
    {{ return(
        "update temp.main." ~ _record_counts_table(source_name)
        ~ " set parsed_rows = (" ~ parsed_rows_query ~ ")"
        ~ " where entity = '" ~ table ~ "' and file_path = " ~ sql_string(file)) }}
{% endmacro %}


{% macro record_accounting(from_cte, source_name) %}
{#- One query (its own `with` inside), which the rejects model names
    (`unaccounted_records as (...)`): per file the parsed rows, the rejected records (the
    rows of `from_cte`, one per rejected line: csv_rejected_lines) and the counted records;
    it has no rows: it stops the build with DuckDB's `error()` for a file whose records do
    not add up. Files with a reject after which the reader cannot find the next records
    are left to `csv_reject_records`, which stops the build for them with the reader's own
    reason. -#}
with record_accounting as (

    select
        counts.entity,
        counts.file_path,
        counts.parsed_rows,
        count({{ from_cte }}.line) as rejected_records,
        counts.counted.records as counted_records,
        counts.counted.longest_record as longest_record,
        counts.counted.longest_record_bytes as longest_record_bytes,
        counts.max_line_size,
        coalesce(bool_or(
            regexp_matches({{ from_cte }}.error_types, '{{ _unreadable_rest_error_types() }}')
        ), false) as has_unreadable_rest
    from temp.main.{{ _record_counts_table(source_name) }} as counts
    left join {{ from_cte }}
        on counts.file_path = {{ from_cte }}.file_path
    group by all

)

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
{% endmacro %}


{% macro _sql_strings(values) %}
    {#- SQL string literals, comma-separated (NULL for none: `in (NULL)` matches nothing) -#}
    {%- set quoted = [] -%}
    {%- for value in values -%}{%- do quoted.append(sql_string(value)) -%}{%- endfor -%}
    {{ return(quoted | join(", ") if quoted else "null") }}
{% endmacro %}
