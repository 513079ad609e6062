{#- Lines that DuckDB's CSV reader rejected, for the sources read as text (POS CSV,
    clickstream JSONL), and the record numbers bronze shares with them.

    `collect_csv_rejects` is the rejects model's pre-hook: for every file of every source
    table it runs one scan with the source's own reader options and `store_rejects=true`,
    reading every column (so every field is validated), into fresh temporary reject
    tables, and keeps each file's parsed rows next to our own count of its records
    (`record_accounting.sql`). One scan per file, because a multi-file scan can lose an
    unterminated quote at the end of a file without recording it. `csv_rejects_query` selects those tables.
    The bronze views parse the same files with the same options, so a record is either a
    bronze row or a reject; `record_numbering` gives bronze rows the record numbers the
    rejects use. -#}
{% macro _reject_table_names(relation) %}
    {%- set text = relation | string -%}
    {%- set errors = modules.re.search("rejects_table='([^']+)'", text) -%}
    {%- set scans = modules.re.search("rejects_scan='([^']+)'", text) -%}
    {%- if not errors or not scans -%}
        {{ exceptions.raise_compiler_error("source " ~ text[:80] ~ "... has no rejects_table / rejects_scan option") }}
    {%- endif -%}
    {{ return([errors.group(1), scans.group(1)]) }}
{% endmacro %}


{% macro csv_source_tables(source_name) %}
    {#- the tables of a source read as text lines, and the model holding their rejects -#}
    {%- set sources = {
        'pos': {
            'tables': ['product', 'city', 'customer', 'order', 'orderline'],
            'rejects_model': 'brz_pos__csv_rejects',
            'counted_files_model': 'brz_pos__counted_files',
            'blank_lines_are_records': false,
            'partition_column': 'load_date',
        },
        'events': {
            'tables': ['events'],
            'rejects_model': 'brz_events__line_rejects',
            'counted_files_model': 'brz_events__counted_files',
            'blank_lines_are_records': true,
            'partition_column': 'date',
        },
    } -%}
    {{ return(sources[source_name]) }}
{% endmacro %}


{% macro collect_csv_rejects(source_name) %}
    {#- scans exactly the files the counted-files model counted (a file landed since is not
        scanned here, and bronze stops on it) -#}
    {%- set statements = [] -%}
    {%- if execute -%}
        {%- set planned = none -%}
        {%- if bronze_is_incremental_model() -%}
            {#- incremental bronze: scan only the new and changed files (bronze_file_plan) -#}
            {%- set planned = bronze_file_plan(source_name) -%}
        {%- endif -%}
        {%- do statements.append(_record_counts_create(source_name, planned)) -%}
        {%- set counted = run_query(
            "select entity, file_path from " ~ ref(csv_source_tables(source_name).counted_files_model)
            ~ (" where file_path in (" ~ _sql_strings(planned) ~ ")" if planned is not none else "")
            ~ " order by entity, file_path") -%}
    {%- endif -%}
    {%- for table in csv_source_tables(source_name).tables -%}
        {%- set relation = landing_source(source_name, table) -%}
        {%- if not execute or not source_enabled(source_name) -%}{%- continue -%}{%- endif -%}
        {%- do assert_landing_source(source_name, table) -%}
        {%- set names = _reject_table_names(relation) -%}
        {%- do statements.append("drop table if exists temp.main." ~ names[0]) -%}
        {%- do statements.append("drop table if exists temp.main." ~ names[1]) -%}
        {%- set files = [] -%}
        {%- for row in counted.rows if row[0] == table -%}{%- do files.append(row[1]) -%}{%- endfor -%}
        {%- for layout in landing_file_layouts(source_name, table, files) -%}
            {%- do statements.append(_record_count_update(source_name, table, layout.file,
                "select count(*) from " ~ landing_csv_read(source_name, table, sql_string(layout.file), layout.columns)
                ~ " as landed where md5(cast(landed as varchar)) is not null")) -%}
        {%- endfor -%}
    {%- endfor -%}
    {{ return(statements | join(";\n")) }}
{% endmacro %}


{% macro csv_rejects_query(source_name) %}
    {%- set selects = [] -%}
    {%- for table in csv_source_tables(source_name).tables -%}
        {%- set relation = landing_source(source_name, table) -%}
        {#- incremental bronze: a table none of whose files this run reads has no reject tables -#}
        {%- if execute and source_enabled(source_name)
            and (not bronze_is_incremental_model() or bronze_file_plan(source_name, table)) -%}
            {%- set names = _reject_table_names(relation) -%}
            {%- set location = relation | string -%}
            {%- set quote = modules.re.search("[(,\s]quote=('[^']*')", location) -%}
            {%- set delimiter = modules.re.search("[(,\s]delim=(e?'[^']*')", location) -%}
            {%- set node = graph.sources.values() | selectattr('source_name', 'equalto', source_name)
                | selectattr('name', 'equalto', table) | first -%}
            {%- do selects.append(
                "select '" ~ source_name ~ "' as source_system, '" ~ table ~ "' as entity, "
                ~ "scans.file_path, errors.line, errors.line_byte_position, "
                ~ "errors.error_type::varchar as error_type, "
                ~ "errors.column_name, errors.csv_line, errors.error_message, "
                ~ quote.group(1) ~ " as quote_character, " ~ delimiter.group(1) ~ " as delimiter, "
                ~ "cast(coalesce(len(counted.read_columns), " ~ (node.columns | length) ~ ") as integer) as column_count "
                ~ "from " ~ names[0] ~ " as errors inner join " ~ names[1] ~ " as scans "
                ~ "on errors.scan_id = scans.scan_id and errors.file_id = scans.file_id "
                ~ "left join " ~ ref(csv_source_tables(source_name).counted_files_model) ~ " as counted "
                ~ "on counted.entity = '" ~ table ~ "' and counted.file_path = scans.file_path") -%}
        {%- endif -%}
    {%- endfor -%}
    {%- if selects -%}
        {{ return(selects | join("\n    union all\n    ")) }}
    {%- else -%}
        {{ return("select null::varchar as source_system, null::varchar as entity, null::varchar as file_path, null::ubigint as line, null::ubigint as line_byte_position, null::varchar as error_type, null::varchar as column_name, null::varchar as csv_line, null::varchar as error_message, null::varchar as quote_character, null::varchar as delimiter, null::integer as column_count where false") }}
    {%- endif -%}
{% endmacro %}


{% macro csv_rejected_lines(from_cte) %}
{#- One query, which the rejects model names (`rejected_lines as (...)`): the errors of
    `from_cte` (csv_rejects_query's rows) grouped to one row per rejected line. -#}
select
    source_system,
    entity,
    file_path,
    line,
    string_agg(distinct error_type, ', ' order by error_type) as error_types,
    min(error_message) as error_message,
    min(csv_line) as csv_line,
    min(line_byte_position) as line_byte_position,
    min(quote_character) as quote_character,
    min(delimiter) as delimiter,
    min(column_count) as column_count
from {{ from_cte }}
group by source_system, entity, file_path, line
{% endmacro %}


{% macro csv_reject_records(from_cte, load_date, header_lines=1) %}
{#- One query (its own `with` inside), which the rejects model names (`final as (...)`): one
    row per rejected line of `from_cte` (csv_rejected_lines' rows), lineage columns named
    as in bronze. A line with an unterminated quote stops the build: the reader cannot tell
    where the following records start, so it could swallow them into one reject.
    A record rejected only because its bytes are not UTF-8 is read again and decoded as
    Windows-1252 (aethermart_recover_record, registered by the plugin
    aethermart.dbt_record_count): it goes on to bronze with the flag
    `_is_decoded_windows_1252` and its original bytes as hex, and is no longer a reject. -#}
with recovered_lines as (

    select
        *,
        case
            when error_types = 'INVALID ENCODING'
                then aethermart_recover_record(
                    file_path, line_byte_position, quote_character, delimiter, column_count
                )::json
        end as recovered
    from {{ from_cte }}

)

select
    -- ids
    entity,
    -- strings
    error_types,
    error_message,
    coalesce(recovered ->> 'text', trim(csv_line, chr(10) || chr(13))) as raw_line,
    recovered ->> 'raw_hex' as raw_bytes_hex,
    -- lists
    cast(recovered -> 'fields' as varchar[]) as recovered_fields,
    -- booleans
    recovered is not null as is_recovered,
    -- numbers
    line - {{ header_lines }} - row_number() over (
        partition by file_path order by line
    ) as rows_parsed_before,
    -- lineage
    source_system as _source_system,
    file_path as _source_file,
    {{ load_date }} as _load_date,
    line - {{ header_lines }} as _source_row_number
from recovered_lines
where
    case
        when regexp_matches(error_types, '{{ _unreadable_rest_error_types() }}')
            then error(
                'File ' || file_path || ', record ' || (line - {{ header_lines }})
                || ': ' || error_types || ' (' || error_message || '). An unterminated '
                || 'quote or an over-long line leaves the rest of the file unreadable; '
                || 'fix or remove the file and run again.'
            )
        else true
    end
{% endmacro %}


{% macro record_numbering(from_cte, source_name, entity) %}
{#- One query (its own `with` inside), which the bronze model names (`located as (...)`):
    the rows of `from_cte`, a text source read `with ordinality`, plus `record_number`: the
    row's 1-based record number in its file counting rejected records too, so bronze rows and
    the rejects model never share a number and each number points at one record.
    A rejected record sits after `rows_parsed_before` parsed rows, so a parsed row's
    record number is its parsed position plus the rejects sitting before it (a running
    count over positions; an ASOF join was planned as a nested loop inside views). -#}
with numbered as (

    select
        *,
        {{ file_row_number() }} as parsed_row_number
    from {{ from_cte }}
    where
        case
            when filename in (
                select counted.file_path from {{ ref(csv_source_tables(source_name).counted_files_model) }} as counted
                where counted.entity = '{{ entity }}'
            ) then true
            else error(
                'File ' || filename || ' landed after {{ csv_source_tables(source_name).counted_files_model }} '
                || 'counted the landing zone, so its records are not accounted for (a drop landed while '
                || 'dbt build ran, or --select left {{ csv_source_tables(source_name).counted_files_model }} out); '
                || 'run dbt build again (with --select, include +{{ model.name }}).'
            )
        end

),

record_offsets as (

    select
        file_name,
        position_in_file,
        sum(is_reject) over (
            partition by file_name order by position_in_file, is_reject
            rows between unbounded preceding and current row
        ) as rejects_before
    from (
        select
            filename as file_name,
            parsed_row_number as position_in_file,
            0 as is_reject
        from numbered
        union all
        select
            _source_file as file_name,
            rows_parsed_before as position_in_file,
            1 as is_reject
        from {{ ref(csv_source_tables(source_name).rejects_model) }}
        where entity = '{{ entity }}'
    ) as positions
    qualify is_reject = 0

),

parsed_located as (

    select
        numbered.*,
        numbered.parsed_row_number + record_offsets.rejects_before as record_number,
        false as _is_decoded_windows_1252,
        cast(null as varchar) as _raw_bytes_hex
    from numbered
    inner join record_offsets
        on
            numbered.filename = record_offsets.file_name
            and numbered.parsed_row_number = record_offsets.position_in_file

),

{#- records the reader rejected only for bytes that are not UTF-8, decoded as
    Windows-1252 by the rejects model: rows of bronze like the others, flagged; their
    fields are in the file's order, mapped onto contract columns by the file's read
    columns (brz_*__counted_files) -#}
{%- set columns = [] -%}
{%- if execute -%}
    {%- set columns = (graph.sources.values() | selectattr('source_name', 'equalto', source_name)
        | selectattr('name', 'equalto', entity) | first).columns.keys() | list -%}
{%- endif %}
recovered as (

    select
        {%- for column in columns %}
        rejects.recovered_fields[list_position(counted.read_columns, '{{ column }}')] as "{{ column }}",
        {%- endfor %}
        rejects._source_file as filename,
        strftime(rejects._load_date, '%Y-%m-%d') as "{{ csv_source_tables(source_name).partition_column }}",
        rejects._source_row_number as record_number,
        true as _is_decoded_windows_1252,
        rejects.raw_bytes_hex as _raw_bytes_hex
    from {{ ref(csv_source_tables(source_name).rejects_model) }} as rejects
    inner join {{ ref(csv_source_tables(source_name).counted_files_model) }} as counted
        on rejects.entity = counted.entity and rejects._source_file = counted.file_path
    where
        rejects.entity = '{{ entity }}' and rejects.is_recovered
        {%- if bronze_is_incremental_model() %}
        -- incremental bronze: the recovered records of the files this run reads
        and rejects._source_file in ({{ _sql_strings(bronze_file_plan(source_name, entity)) }})
        {%- endif %}

)

select * from parsed_located
union all by name
select * from recovered
{%- endmacro %}
