-- A (file, record number) names one landed record: it is a bronze row or a rejected
-- record, never both, and no two bronze rows share it. Fails with every clash. A record
-- recovered from the rejects (decoded as Windows-1252) is a bronze row, not a reject.
-- A clash is within one file, so the test reads the files it has not passed on yet in
-- every model that holds them (file_local, macro bronze_test_scope); the full sweep
-- (--vars '{full_test_sweep: true}') reads every row.
{{ config(meta={'file_local': true}) }}
{%- set landed = [
    ('brz_pos__products', 'bronze'),
    ('brz_pos__cities', 'bronze'),
    ('brz_pos__customers', 'bronze'),
    ('brz_pos__orders', 'bronze'),
    ('brz_pos__orderlines', 'bronze'),
    ('brz_pos__csv_rejects', 'reject'),
    ('brz_events__events', 'bronze'),
    ('brz_events__line_rejects', 'reject'),
] %}
with numbered as (

    {% for model, kind in landed %}
        select
            bronze_rows._source_file,
            bronze_rows._source_row_number,
            '{{ kind }}' as kind
        from {{ ref(model) }} as bronze_rows
        where
            {{ bronze_test_scope(ref(model)) or 'true' }}
            {%- if kind == 'reject' %}
                and not bronze_rows.is_recovered
            {%- endif %}
        {% if not loop.last %}union all{% endif %}
    {% endfor %}

),

clashes as (

    select
        _source_file,
        _source_row_number,
        string_agg(kind, ', ') as kinds,
        count(*) as occurrences
    from numbered
    group by _source_file, _source_row_number
    having count(*) > 1

)

select * from clashes
