{#- Every way a row leaves the main path, counted per source entity, kind and reason (reader
    rejects per file, so one bad drop is judged on its own), with its rate, three example
    keys and the level of the thresholds it crosses (var `quality_thresholds`; an error
    needs at least var `quality_error_min_set_aside` rows set aside): reader rejects, quarantined rows per reason, de-duplicated
    copies, superseded versions (a MariaDB table's older extractions as reason
    `older_extraction`, with extraction ids as examples), data-quality flags (an optional value nulled, or kept
    and flagged) and identity merges refused. `message` is the line the build prints
    (warnings) or fails with (errors), and `aethermart quality` shows. -#}
{%- set checked_models = [
    ('pos', 'product', 'slv_pos_products__checked'),
    ('pos', 'city', 'slv_pos_cities__checked'),
    ('pos', 'customer', 'slv_pos_customers__checked'),
    ('pos', 'order', 'slv_pos_orders__checked'),
    ('pos', 'orderline', 'slv_pos_orderlines__checked'),
    ('mariadb', 'Customers', 'slv_mariadb_customers__checked'),
    ('mariadb', 'Categories', 'slv_mariadb_categories__checked'),
    ('mariadb', 'Suppliers', 'slv_mariadb_suppliers__checked'),
    ('mariadb', 'Products', 'slv_mariadb_products__checked'),
    ('mariadb', 'Product_Attributes', 'slv_mariadb_product_attributes__checked'),
    ('mariadb', 'Orders', 'slv_mariadb_orders__checked'),
    ('mariadb', 'Order_Items', 'slv_mariadb_order_items__checked'),
    ('mariadb', 'Reviews', 'slv_mariadb_reviews__checked'),
    ('events', 'events', 'slv_events__checked'),
] -%}
with reconciliation as (

    select * from {{ ref('audit_reconciliation') }}

),

reader_rejects as (

    {#- records the reader could not parse (a record decoded as Windows-1252 is not one) -#}
    select * from {{ ref('brz_pos__csv_rejects') }}
    where not is_recovered
    union all
    select * from {{ ref('brz_events__line_rejects') }}
    where not is_recovered

),

matched as (

    select * from {{ ref('slv_customers__matched') }}

),

checked_rows as (

    {% for source_system, entity, model in checked_models %}
        select
            '{{ source_system }}' as source_system,
            '{{ entity }}' as entity,
            natural_key,
            outcome,
            quarantine_reasons,
            dq_flags,
            _source_file
        from {{ ref(model) }}
        {% if not loop.last %}union all{% endif %}
    {% endfor %}

),

older_extractions as (

    {#- rows of a MariaDB table's older extractions: the checked models leave them out
        (resolve_versions), every one is superseded by the current extraction -#}
    {% for source_system, entity, model in checked_models if source_system == 'mariadb' %}
        select
            '{{ entity }}' as entity,
            _extraction_id
        from {{ ref('brz_mariadb__' ~ entity | lower) }}
        where ({{ current_extraction(entity) }}) is false
        {% if not loop.last %}union all{% endif %}
    {% endfor %}

),

set_aside as (

    select
        source_system,
        entity,
        'quarantined' as set_aside_kind,
        unnest(quarantine_reasons) as reason,
        cast(null as varchar) as scope,
        natural_key
    from checked_rows
    where outcome = 'quarantined'
    union all
    select
        source_system,
        entity,
        'deduplicated' as set_aside_kind,
        'duplicate' as reason,
        cast(null as varchar) as scope,
        natural_key
    from checked_rows
    where outcome = 'duplicate'
    union all
    select
        source_system,
        entity,
        'superseded' as set_aside_kind,
        'superseded' as reason,
        cast(null as varchar) as scope,
        natural_key
    from checked_rows
    where outcome = 'superseded'
    union all
    select
        'mariadb' as source_system,
        entity,
        'superseded' as set_aside_kind,
        'older_extraction' as reason,
        cast(null as varchar) as scope,
        'extraction ' || _extraction_id as natural_key
    from older_extractions
    union all
    select
        source_system,
        entity,
        'flagged' as set_aside_kind,
        unnest(dq_flags) as reason,
        cast(null as varchar) as scope,
        natural_key
    from checked_rows
    where outcome in ('silver', 'duplicate') and len(dq_flags) > 0
    union all
    select
        _source_system as source_system,
        entity,
        'rejected' as set_aside_kind,
        error_types as reason,
        {{ landed_file_name('_source_file') }} as scope,
        'record ' || lpad(cast(_source_row_number as varchar), 9, '0') as natural_key
    from reader_rejects
    union all
    select
        source_system,
        case when source_system = 'pos' then 'customer' else 'Customers' end as entity,
        'identity' as set_aside_kind,
        match_rule as reason,
        cast(null as varchar) as scope,
        refused_email as natural_key
    from matched
    where match_rule = 'shared_email_not_merged'

),

counted as (

    select
        source_system,
        entity,
        set_aside_kind,
        reason,
        scope,
        count(*) as set_aside_rows,
        list_transform(
            list(distinct coalesce(natural_key, '(no key)') order by coalesce(natural_key, '(no key)'))[1:3],
            lambda example: regexp_replace(left(example, 60), '^record 0*', 'record ')
        ) as example_keys
    from set_aside
    group by source_system, entity, set_aside_kind, reason, scope

),

file_records as (

    {#- records per landed text file: rows that reached bronze plus the reader's rejects
        (counted per path first: the name's regular expression then runs once per file, not
        once per row - 2.2-3.4 s -> 0.7-1.0 s for this model at scale 10) -#}
    select
        {{ landed_file_name('_source_file') }} as scope,
        cast(sum(records) as bigint) as landed_records
    from (
        select
            _source_file,
            count(*) as records
        from checked_rows
        where source_system in ('pos', 'events')
        group by _source_file
        union all
        select
            _source_file,
            count(*) as records
        from reader_rejects
        group by _source_file
    ) as records
    group by {{ landed_file_name('_source_file') }}

),

thresholds as (

    {% for set_aside_kind, threshold in var('quality_thresholds').items() %}
        select
            '{{ set_aside_kind }}' as set_aside_kind,
            cast({{ threshold.get('warn') if threshold.get('warn') is not none else 'null' }} as double) as warn_rate,
            cast({{ threshold.get('error') if threshold.get('error') is not none else 'null' }} as double) as error_rate
        {% if not loop.last %}union all{% endif %}
    {% endfor %}

),

rated as (

    select
        counted.*,
        coalesce(file_records.landed_records, reconciliation.landed_rows + reconciliation.rejected_lines)
            as landed_records,
        counted.set_aside_rows / nullif(
            coalesce(file_records.landed_records, reconciliation.landed_rows + reconciliation.rejected_lines), 0
        ) as set_aside_rate,
        thresholds.warn_rate,
        thresholds.error_rate
    from counted
    left join reconciliation
        on counted.source_system = reconciliation.source_system and counted.entity = reconciliation.entity
    left join file_records
        on counted.scope = file_records.scope
    left join thresholds
        on counted.set_aside_kind = thresholds.set_aside_kind

),

leveled as (

    select
        *,
        case
            when
                error_rate is not null and set_aside_rate > error_rate
                and set_aside_rows >= {{ var('quality_error_min_set_aside') }}
                then 'error'
            when warn_rate is not null and set_aside_rate > warn_rate then 'warn'
            else 'ok'
        end as threshold_level
    from rated

),

final as (

    select
        -- strings
        source_system,
        entity,
        set_aside_kind,
        reason,
        scope,
        threshold_level,
        source_system || '.' || entity
        || coalesce(' (' || regexp_extract(scope, '[^/]*/[^/]*$') || ')', '') || ': ' || set_aside_rows || ' '
        || case set_aside_kind
            when 'quarantined' then 'row(s) quarantined as '
            when 'deduplicated' then 'row(s) de-duplicated as '
            when 'superseded' then 'row(s) superseded: '
            when 'flagged' then 'row(s) flagged '
            when 'rejected' then 'record(s) rejected by the reader: '
            when 'identity' then 'record(s) not merged: '
        end
        || reason || ' (' || printf('%.2f', 100 * set_aside_rate) || ' % of '
        || landed_records || ' records landed'
        || case when scope is not null then ' in the file' else '' end
        || case threshold_level
            when 'error' then '; above the error threshold ' || printf('%.2f', 100 * error_rate) || ' %'
            when 'warn' then '; above the warn threshold ' || printf('%.2f', 100 * warn_rate) || ' %'
            else ''
        end
        || '); e.g. ' || array_to_string(example_keys, ', ') as message,
        -- numbers
        set_aside_rows,
        landed_records,
        set_aside_rate,
        warn_rate,
        error_rate,
        -- lists
        example_keys
    from leveled

)

select * from final
