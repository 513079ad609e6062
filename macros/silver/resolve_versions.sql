{#- The outcome of every checked row of one entity: one query (its own `with` inside),
    which the model names, e.g. `decided as ({{ resolve_versions(from_cte='typed', ...) }})`.
    It reads the CTE or relation `from_cte`, whose rows carry `quarantine_reasons`,
    `_is_candidate`, `_load_date` and `_source_row_number`. Rows that share the key and the `group_by` column are copies of
    one another: the first landed one counts, an identical later copy is a `duplicate`,
    a differing one is quarantined as `duplicate_conflict`. Of the remaining versions of
    a key, the first by `version_order` is `silver`, the others are `superseded` (with
    `latest_read_only` there is one, below, and no `version_order`). Rows
    outside the current extraction (`_is_candidate` false) are `superseded` whatever they
    hold. Its rows have an `outcome`, and a `raw_row` (from the checked row's `_raw_row`)
    kept only for quarantined rows.
    With `latest_read_only` (MariaDB), only the latest `group_by` value of a key among the
    current rows is current: earlier reads of the key (an incremental extraction re-reads
    its overlap) are `superseded` whether usable or not, so a quarantined row re-read is
    not quarantined twice and a row broken by an update does not leave its old version in
    silver. Rows with a NULL key cannot be matched: they stay candidates and are quarantined
    (`missing_key`, added here when the model did not already give a reason). Rows of older
    extractions (`_is_candidate` false) are not returned: they are superseded whatever they
    hold, and the audits count them from bronze (reconcile_entity, audit_set_aside). So each
    key's usable candidates are the copies of its latest read, the first of which is its one
    silver row: no window orders a key's versions (at scale 10 that window was 2 of the 5 s of
    `slv_mariadb_order_items__checked`). -#}
{% macro resolve_versions(from_cte, key_columns, content_columns, version_order=none, group_by=none,
                          latest_read_only=false) -%}
    {%- set partition = key_columns | join(', ') ~ (', ' ~ group_by if group_by else '') -%}
    {%- if latest_read_only and not group_by -%}
        {{ exceptions.raise_compiler_error('resolve_versions: latest_read_only needs group_by') }}
    {%- endif -%}
    {#- with latest_read_only a key has one usable version (its latest read): nothing to order -#}
    {%- if latest_read_only and version_order -%}
        {{ exceptions.raise_compiler_error('resolve_versions: with latest_read_only the latest read of a key '
            ~ 'is its version; version_order is not used, leave it out') }}
    {%- endif -%}
    {%- if not latest_read_only and not version_order -%}
        {{ exceptions.raise_compiler_error('resolve_versions: version_order must order the versions of a key, '
            ~ 'the winner first (e.g. _load_date desc)') }}
    {%- endif -%}
    {%- if not from_cte -%}
        {{ exceptions.raise_compiler_error('resolve_versions: from_cte must name the CTE or relation to read') }}
    {%- endif %}
with
{#- With latest_read_only (MariaDB): rows outside the current extraction (`_is_candidate`
    false: older snapshots, two of every three rows once retention holds three) are left out
    (a NULL `_is_candidate` stays on the candidates' path). Writing them, as `superseded`
    rows with their key and lineage, was most of the work: at scale 10 with three snapshots
    of Order_Items (5.4M rows) the model took 15.8 s, 6.9 s without them (one read per row
    of the current extraction). The outcome of the current rows does not depend on them. #}
current_rows as (

    select * from {{ from_cte }}
    {%- if latest_read_only %}
    where _is_candidate is distinct from false
    {%- endif %}

),

{% if latest_read_only %}
{#- the latest read of each key as an aggregate joined back, not as a window over the whole
    checked row: a window sorts every column of the row, this sorts nothing.
    A key with a NULL part joins nothing and stays a candidate, as before. #}
{#- a NULL `_is_candidate` (every current row is true or NULL here) counts as a candidate -#}
latest_read_of_key as (

    select
        {{ key_columns | join(', ') }},
        max({{ group_by }}) as _latest_read
    from current_rows
    group by {{ key_columns | join(', ') }}

),

latest_reads as (

    select
        * exclude (_latest_read) replace (
            (
                {{ group_by }} = _latest_read
                {%- for column in key_columns %}
                or {{ column }} is null
                {%- endfor %}
            ) as _is_candidate
        )
    from current_rows
    left join latest_read_of_key using ({{ key_columns | join(', ') }})

),

{% endif -%}
hashed as (

    select
        {%- if latest_read_only %}
        {%- set key_is_null = [] %}
        {%- for column in key_columns %}{% do key_is_null.append(column ~ ' is null') %}{% endfor %}
        * replace (
            case
                when len(quarantine_reasons) = 0 and ({{ key_is_null | join(' or ') }})
                    then ['missing_key']
                else quarantine_reasons
            end as quarantine_reasons
        ),
        len(quarantine_reasons) = 0 and not ({{ key_is_null | join(' or ') }}) as _is_usable,
        {%- else %}
        *,
        len(quarantine_reasons) = 0 as _is_usable,
        {%- endif %}
        {{ generate_surrogate_key(content_columns) }} as _content_hash
    from {{ 'latest_reads' if latest_read_only else 'current_rows' }}

),

grouped as (

    select
        *,
        row_number() over (
            partition by _is_candidate, _is_usable, {{ partition }}
            order by _load_date, _source_row_number
        ) as _group_position,
        first_value(_content_hash) over (
            partition by _is_candidate, _is_usable, {{ partition }}
            order by _load_date, _source_row_number
        ) as _group_first_hash
    from hashed

),

versioned as (

    select
        *,
        {% if latest_read_only -%}
        {#- a key's usable candidates are the copies of its latest read (a NULL key is never
            usable, above): the first of them is its only version 1 -#}
        cast(1 as bigint) as _version_position
        {%- elif group_by -%}
        row_number() over (
            partition by _is_candidate, _is_usable, _group_position = 1, {{ key_columns | join(', ') }}
            order by {{ version_order }}, _source_row_number
        ) as _version_position
        {%- else -%}
        {#- without group_by a key's copies are all one group, whose first row is the only
            first row of the key: it is version 1, no window needed -#}
        cast(1 as bigint) as _version_position
        {%- endif %}
    from grouped

),

outcomes as (

    select
        * exclude (
            quarantine_reasons, _is_candidate, _is_usable, _group_position, _group_first_hash,
            _version_position
        ),
        case
            when _is_candidate and _is_usable and _group_position > 1
                and _content_hash <> _group_first_hash
                then list_append(quarantine_reasons, 'duplicate_conflict')
            else quarantine_reasons
        end as quarantine_reasons,
        case
            when not _is_candidate then 'superseded'
            when not _is_usable then 'quarantined'
            when _group_position > 1 and _content_hash <> _group_first_hash then 'quarantined'
            when _group_position > 1 then 'duplicate'
            when _version_position = 1 then 'silver'
            else 'superseded'
        end as outcome
    from versioned

)

select
    * exclude (_raw_row),
    case when outcome = 'quarantined' then _raw_row end as raw_row
from outcomes
{%- endmacro %}
