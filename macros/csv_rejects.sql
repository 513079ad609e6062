{#- Lines that DuckDB's CSV reader rejected (bytes that are not UTF-8, too many or too
    few fields, unterminated quotes), for sources read with `store_rejects=true`.

    `collect_csv_rejects` runs as the rejects model's pre-hook: it scans each source once
    into fresh temporary reject tables (names taken from the source's `rejects_table` /
    `rejects_scan` options). `csv_rejects_query` then selects those tables, one row per
    rejected line. Both parse the files exactly as the bronze views do, so a line is
    either a bronze row or a reject. -#}
{% macro _reject_table_names(relation) %}
    {%- set text = relation | string -%}
    {%- set errors = modules.re.search("rejects_table='([^']+)'", text) -%}
    {%- set scans = modules.re.search("rejects_scan='([^']+)'", text) -%}
    {%- if not errors or not scans -%}
        {{ exceptions.raise_compiler_error("source " ~ text[:80] ~ "... has no rejects_table / rejects_scan option") }}
    {%- endif -%}
    {{ return([errors.group(1), scans.group(1)]) }}
{% endmacro %}


{% macro csv_bronze_models(source_name) %}
    {#- source table -> the bronze view that reads it, for the sources read as text lines -#}
    {%- set models = {
        'pos': {
            'product': 'brz_pos__products',
            'city': 'brz_pos__cities',
            'customer': 'brz_pos__customers',
            'order': 'brz_pos__orders',
            'orderline': 'brz_pos__orderlines',
        },
        'events': {'events': 'brz_events__events'},
    } -%}
    {{ return(models[source_name]) }}
{% endmacro %}


{% macro collect_csv_rejects(source_name) %}
    {%- set statements = [] -%}
    {%- for table, model in csv_bronze_models(source_name).items() -%}
        {%- set relation = source(source_name, table) -%}
        {%- if not execute -%}{%- continue -%}{%- endif -%}
        {%- set names = _reject_table_names(relation) -%}
        {%- do statements.append("drop table if exists temp.main." ~ names[0]) -%}
        {%- do statements.append("drop table if exists temp.main." ~ names[1]) -%}
        {#- the bronze view reads every column (read_every_column_guard), so this scan
            rejects exactly the lines the view leaves out -#}
        {%- do statements.append("select count(*) from " ~ ref(model)) -%}
    {%- endfor -%}
    {{ return(statements | join(";\n")) }}
{% endmacro %}


{% macro csv_rejects_query(source_name) %}
    {%- set selects = [] -%}
    {%- for table, model in csv_bronze_models(source_name).items() -%}
        {%- set relation = source(source_name, table) -%}
        {%- set bronze = ref(model) -%}
        {%- if execute -%}
            {%- set names = _reject_table_names(relation) -%}
            {%- do selects.append(
                "select '" ~ source_name ~ "' as source_system, '" ~ table ~ "' as entity, "
                ~ "scans.file_path, errors.line, errors.error_type::varchar as error_type, "
                ~ "errors.column_name, errors.csv_line, errors.error_message "
                ~ "from " ~ names[0] ~ " as errors inner join " ~ names[1] ~ " as scans "
                ~ "on errors.scan_id = scans.scan_id and errors.file_id = scans.file_id") -%}
        {%- endif -%}
    {%- endfor -%}
    {%- if selects -%}
        {{ return(selects | join("\n    union all\n    ")) }}
    {%- else -%}
        {{ return("select null::varchar as source_system, null::varchar as entity, null::varchar as file_path, null::ubigint as line, null::varchar as error_type, null::varchar as column_name, null::varchar as csv_line, null::varchar as error_message where false") }}
    {%- endif -%}
{% endmacro %}


{% macro csv_rejected_lines(errors_cte, load_date, header_lines=1) %}
{#- The CTEs `rejected_lines` and `final`: one row per rejected line, lineage columns named
    as in bronze. -#}
rejected_lines as (

    select
        source_system,
        entity,
        file_path,
        line,
        string_agg(distinct error_type, ', ' order by error_type) as error_types,
        min(error_message) as error_message,
        min(csv_line) as csv_line
    from {{ errors_cte }}
    group by source_system, entity, file_path, line

),

final as (

    select
        -- ids
        entity,
        -- strings
        error_types,
        error_message,
        trim(csv_line, chr(10) || chr(13)) as raw_line,
        -- lineage
        source_system as _source_system,
        file_path as _source_file,
        {{ load_date }} as _load_date,
        line - {{ header_lines }} as _source_row_number
    from rejected_lines

)
{% endmacro %}
