{% macro record_numbering(from_cte, source_name, entity) %}
{#- One query (its own `with` inside), which the bronze model names (`located as (...)`):
    the rows of `from_cte`, a text source read `with ordinality`, plus `record_number`: the
    row's 1-based record number in its file counting rejected records too, so bronze rows and
    the rejects model never share a number and each number points at one record.
    A rejected record sits after `rows_parsed_before` parsed rows, so a parsed row's
    record number is its parsed position plus the rejects sitting before it (a running
    count over positions; an ASOF join was planned as a nested loop inside views). -#}
{%- if not from_cte -%}
    {{ exceptions.raise_compiler_error('record_numbering: from_cte must name the CTE or relation to read') }}
{%- endif %}
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
