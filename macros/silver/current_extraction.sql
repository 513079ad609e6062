{#- True for rows of a MariaDB table's current data: its latest snapshot extraction and
    the incremental and delta extractions published after it, less the rows whose key lies
    in a range that a later delta replaced (the delta holds the key's current version, or
    none when the row was deleted). Older extractions are history.
    The key is the table's `meta.extract.key` in the sources YAML, qualified like
    `extraction_column` (`items._extraction_id` -> `items.order_item_id`). A delta since the
    latest snapshot that replaced ranges of another key (or of a key no longer declared)
    cannot be applied: the query stops with an error saying so. -#}
{% macro current_extraction(table_name, extraction_column='_extraction_id') -%}
    {%- set key = _extraction_key(table_name) -%}
    {%- set key_column = adapter.quote(key) if key else none -%}
    {%- set qualifier = extraction_column.rsplit('.', 1)[0] ~ '.' if '.' in extraction_column else '' -%}
    {%- set extractions = ref('brz_mariadb__extractions') -%}
    {%- set latest_snapshot -%}
        (
            select coalesce(max(extraction_id), '')
            from {{ extractions }}
            where table_name = '{{ table_name }}' and extraction_mode = 'snapshot'
        )
    {%- endset -%}
    ({{ extraction_column }} >= {{ latest_snapshot }}
    and coalesce((
        select error(
            'MariaDB table {{ table_name }}: its extraction ' || extraction_id || ' replaced ranges of key '
            || coalesce(replaced_key, '(none recorded)') || {{ sql_string(
                ', but the sources YAML declares ' ~ ('key ' ~ key if key else 'no key')
                ~ ' under its extract settings: run `aethermart extract`, which lands the table whole') }}
        )
        from {{ extractions }}
        where
            table_name = '{{ table_name }}' and extraction_mode = 'delta'
            and extraction_id > {{ latest_snapshot }}
            and replaced_key is distinct from {{ sql_string(key) if key else 'null' }}
        limit 1
    ), true)
    {%- if key %}
    {#- the markers let rebuild_by_extraction compare the model's SQL without the ranges, which
        every delta changes (macro _rebuild_by_extraction_code) -#}
    /* aethermart: replaced key ranges */
    {%- set replaced = _replaced_key_ranges(table_name) %}
    {%- if replaced is not none %}
    {%- for extraction_id, ranges in replaced.items() | sort %}
    and not ({{ extraction_column }} < {{ sql_string(extraction_id) }} and (
        {%- for lo, hi in ranges %}
        ({{ qualifier }}{{ key_column }} >= {{ lo | int }} and {{ qualifier }}{{ key_column }} < {{ hi | int }})
        {%- if not loop.last %} or{% endif %}
        {%- endfor %}
    ))
    {%- endfor %}
    {%- else %}
    and not exists (
        select 1
        from (
            select
                extraction_id as _replaced_by,
                unnest(replaced_key_ranges) as _replaced_range
            from {{ extractions }}
            where table_name = '{{ table_name }}' and extraction_mode = 'delta'
        ) as _replaced
        where
            _replaced._replaced_by > {{ extraction_column }}
            and {{ qualifier }}{{ key_column }} >= _replaced._replaced_range.lo
            and {{ qualifier }}{{ key_column }} < _replaced._replaced_range.hi
    )
    {%- endif %}
    /* aethermart: end of replaced key ranges */
    {%- endif %})
{%- endmacro %}
