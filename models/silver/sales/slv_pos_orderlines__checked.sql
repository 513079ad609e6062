{#- POS order lines. A line has no id of its own in the file unless the file carries the
    optional `line_number` column: then it is the line key, a number given twice in one
    order of one drop is a conflict (`duplicate_line_number`, every row with it quarantined)
    and a blank or unparseable number in such a file is `missing_key` / `invalid_number`.
    Without it, every row of an order in one drop is a line (`line_number`, by position),
    so a product scanned several times is several lines, never a duplicate. Re-sends are
    recognised per order across drops: the first drop that sends an order is its version; a
    later drop with the same multiset of lines (product, quantity, and the line number and
    unit price when the file carries them) is a re-send (`duplicate`, counted, not loaded
    twice); with other lines it is a conflict, quarantined as `duplicate_conflict` with the
    first version's drop in `resend_of_load_date` (that version stays in silver).
    The optional `unit_price` (the price charged) is parsed like every POS price
    (`parse_money`): blank means "not given" (the line is priced from the product snapshot
    in slv_order_lines); a value that does not parse is `invalid_number`, a negative one
    `negative_price` (a return is a negative quantity, not a negative price).
    When files land, change or go, only the orders they touch are rebuilt (rebuild_by_landed_file:
    an order's rows depend on its rows in every drop, on whole files' layouts and on its order's
    and products' usability). -#}
{{ config(rebuild_by_landed_file={
    'input': 'brz_pos__orderlines',
    'key': 'order_id',
    'input_key': clean_text('order_id'),
    'parents': {'slv_pos_orders__checked': 'order_id', 'slv_pos_products__checked': 'product_id'},
}) }}
with orderlines as (

    select * from {{ ref('brz_pos__orderlines') }}

),

order_status as (

    {{ usable_keys('slv_pos_orders__checked', 'order_id') }}

),

product_status as (

    {{ usable_keys('slv_pos_products__checked', 'product_id') }}

),

file_layouts as (

    {#- a file carries line numbers when any of its rows has one: read from every row of the
        file, also when only some orders are rebuilt (a second read of bronze, of two columns:
        reading the CTE above twice would make DuckDB materialize every column of it) -#}
    select
        _source_file,
        bool_or(not {{ is_blank('line_number') }}) as _has_line_numbers
    from {{ ref('brz_pos__orderlines') }}
    group by _source_file

),

cleaned as (

    {#- every cleaned value once (before, the same regular expressions ran up to six
        times per row, inside window partitions too) -#}
    select
        *,
        {{ clean_text('order_id') }} as _order_id,
        {{ clean_text('product_id') }} as _product_id,
        {{ parse_integer('quantity') }} as _quantity,
        {{ parse_money('unit_price') }} as _unit_price,
        {{ parse_integer('line_number') }} as _given_line_number
    from orderlines

),

rebuilt as (

    {#- the orders this build computes: all, or those that landed files or parent changes touched -#}
    select * from cleaned
    where {{ in_rebuilt_keys('_order_id') }}

),

numbered as (

    select
        rebuilt.*,
        file_layouts._has_line_numbers,
        row_number() over (
            partition by rebuilt._order_id, rebuilt._source_file
            order by rebuilt._source_row_number
        ) as _position_in_order
    from rebuilt
    inner join file_layouts
        on rebuilt._source_file = file_layouts._source_file

),

given_line_numbers as (

    {#- how often a line number is given in one order of one file (an aggregate, not a
        window over every row: files without line numbers have no rows here) -#}
    select
        _order_id,
        _source_file,
        _given_line_number,
        count(*) as _rows_with_number
    from rebuilt
    where _given_line_number >= 1
    group by _order_id, _source_file, _given_line_number

),

typed as (

    select
        -- ids
        orderlines._order_id as order_id,
        orderlines._product_id as product_id,
        orderlines.order_id || '|' || orderlines.product_id as natural_key,
        -- numbers
        case
            when orderlines._has_line_numbers then orderlines._given_line_number
            else orderlines._position_in_order
        end as line_number,
        orderlines._quantity as quantity,
        orderlines._unit_price as unit_price,
        -- booleans
        coalesce(orderlines._quantity < 0, false) as is_return,
        -- data quality
        {{ issue_list([
            (is_blank('orderlines.order_id') ~ ' or ' ~ is_blank('orderlines.product_id'), 'missing_key'),
            (is_blank('orderlines.quantity'), 'missing_quantity'),
            ('not ' ~ is_blank('orderlines.quantity') ~ ' and orderlines._quantity is null', 'invalid_number'),
            ('orderlines._quantity = 0', 'zero_quantity'),
            ('not ' ~ is_blank('orderlines.order_id') ~ ' and order_status.order_id is null', 'orphan_fk'),
            ('not order_status.is_usable', 'parent_quarantined'),
            ('not ' ~ is_blank('orderlines.product_id') ~ ' and product_status.product_id is null',
             'orphan_fk'),
            ('not product_status.is_usable', 'parent_quarantined'),
            ('orderlines._has_line_numbers and ' ~ is_blank('orderlines.line_number'), 'missing_key'),
            ('orderlines._has_line_numbers and not ' ~ is_blank('orderlines.line_number') ~ ' and '
             ~ 'coalesce(orderlines._given_line_number < 1, true)', 'invalid_number'),
            ('orderlines._has_line_numbers and orderlines._given_line_number >= 1 '
             ~ 'and given_line_numbers._rows_with_number > 1', 'duplicate_line_number'),
            ('not ' ~ is_blank('orderlines.unit_price') ~ ' and orderlines._unit_price is null', 'invalid_number'),
            ('orderlines._unit_price < 0', 'negative_price'),
        ]) }} as quarantine_reasons,
        {{ issue_list([
            ('orderlines._is_decoded_windows_1252', 'decoded_windows_1252'),
        ]) }} as dq_flags,
        orderlines._product_id || ':'
        || coalesce(
            cast(orderlines._quantity as {{ dbt.type_string() }}),
            {{ normalize_whitespace('orderlines.quantity') }},
            ''
        )
        {#- the optional columns take part in a line's content only when the file gives them -#}
        || case
            when orderlines._has_line_numbers
                then '#' || coalesce({{ normalize_whitespace('orderlines.line_number') }}, '')
            else ''
        end
        || case
            when not {{ is_blank('orderlines.unit_price') }}
                then '@' || coalesce(
                    cast(orderlines._unit_price as {{ dbt.type_string() }}),
                    {{ normalize_whitespace('orderlines.unit_price') }}
                )
            else ''
        end as _line_content,
        case
            when orderlines.unit_price is null and orderlines.line_number is null
                then to_json(struct_pack(orderlines.order_id, orderlines.product_id, orderlines.quantity))
            else to_json(struct_pack(
                orderlines.order_id, orderlines.product_id, orderlines.quantity,
                orderlines.unit_price, orderlines.line_number
            ))
        end as _raw_row,
        -- lineage
        orderlines._source_system,
        orderlines._source_file,
        orderlines._load_date,
        orderlines._source_row_number,
        orderlines._row_hash
    from numbered as orderlines
    left join order_status
        on orderlines._order_id = order_status.order_id
    left join product_status
        on orderlines._product_id = product_status.product_id
    left join given_line_numbers
        on
            orderlines._order_id is not distinct from given_line_numbers._order_id
            and orderlines._source_file = given_line_numbers._source_file
            and orderlines._given_line_number = given_line_numbers._given_line_number

),

order_versions as (

    {#- one row per order and drop file: the multiset of its lines, as a sorted list -#}
    select
        order_id,
        _source_file,
        min(_load_date) as _load_date,
        md5(array_to_string(list_sort(list(_line_content)), chr(31))) as _lines_hash
    from typed
    where order_id is not null
    group by order_id, _source_file

),

first_versions as (

    {#- the drop that first sent the order; later drops re-send it (same lines) or conflict -#}
    select
        order_id,
        _source_file as first_source_file,
        _load_date as first_load_date,
        _lines_hash as first_lines_hash
    from order_versions
    qualify row_number() over (partition by order_id order by _load_date, _source_file) = 1

),

compared as (

    select
        typed.*,
        coalesce(typed._source_file <> first_versions.first_source_file, false) as is_resend,
        coalesce(order_versions._lines_hash = first_versions.first_lines_hash, false) as is_same_lines,
        case
            when typed._source_file <> first_versions.first_source_file
                then first_versions.first_load_date
        end as resend_of_load_date
    from typed
    left join order_versions
        on typed.order_id = order_versions.order_id and typed._source_file = order_versions._source_file
    left join first_versions
        on typed.order_id = first_versions.order_id

),

decided as (

    select
        * exclude (quarantine_reasons, _line_content, _raw_row, is_resend, is_same_lines),
        {{ generate_surrogate_key(['order_id', 'line_number', '_line_content']) }} as _content_hash,
        case
            when len(quarantine_reasons) = 0 and is_resend and not is_same_lines
                then list_append(quarantine_reasons, 'duplicate_conflict')
            else quarantine_reasons
        end as quarantine_reasons,
        case
            when len(quarantine_reasons) > 0 then 'quarantined'
            when is_resend and is_same_lines then 'duplicate'
            when is_resend then 'quarantined'
            else 'silver'
        end as outcome,
        case
            when len(quarantine_reasons) > 0 or (is_resend and not is_same_lines) then _raw_row
        end as raw_row
    from compared

)

select * from decided
