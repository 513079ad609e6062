-- A (file, record number) names one landed record: it is a bronze row or a rejected
-- record, never both, and no two bronze rows share it. Fails with every clash. A record
-- recovered from the rejects (decoded as Windows-1252) is a bronze row, not a reject.
with numbered as (

    {% for model in ['brz_pos__products', 'brz_pos__cities', 'brz_pos__customers',
                     'brz_pos__orders', 'brz_pos__orderlines'] %}
        select
            _source_file,
            _source_row_number,
            'bronze' as kind
        from {{ ref(model) }}
        union all
    {% endfor %}
    select
        _source_file,
        _source_row_number,
        'reject' as kind
    from {{ ref('brz_pos__csv_rejects') }}
    where not is_recovered
    union all
    select
        _source_file,
        _source_row_number,
        'bronze' as kind
    from {{ ref('brz_events__events') }}
    union all
    select
        _source_file,
        _source_row_number,
        'reject' as kind
    from {{ ref('brz_events__line_rejects') }}
    where not is_recovered

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
