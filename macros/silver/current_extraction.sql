{#- True for rows of a MariaDB table's current data: its latest snapshot extraction and
    the incremental and delta extractions published after it, less the rows whose key lies
    in a range that a later delta replaced (the delta holds the key's current version, or
    none when the row was deleted). Older extractions are history.
    The key is the table's `meta.extract.key` in the sources YAML, qualified like
    `extraction_column` (`items._extraction_id` -> `items.order_item_id`). -#}
{% macro current_extraction(table_name, extraction_column='_extraction_id') -%}
    {%- set key = _extraction_key(table_name) -%}
    {%- set qualifier = extraction_column.rsplit('.', 1)[0] ~ '.' if '.' in extraction_column else '' -%}
    ({{ extraction_column }} >= (
        select coalesce(max(extraction_id), '')
        from {{ ref('brz_mariadb__extractions') }}
        where table_name = '{{ table_name }}' and extraction_mode = 'snapshot'
    )
    {%- if key %}
    and not exists (
        select 1
        from (
            select
                extraction_id as _replaced_by,
                unnest(replaced_key_ranges) as _replaced_range
            from {{ ref('brz_mariadb__extractions') }}
            where table_name = '{{ table_name }}' and extraction_mode = 'delta'
        ) as _replaced
        where
            _replaced._replaced_by > {{ extraction_column }}
            and {{ qualifier }}{{ key }} >= _replaced._replaced_range.lo
            and {{ qualifier }}{{ key }} < _replaced._replaced_range.hi
    )
    {%- endif %})
{%- endmacro %}
