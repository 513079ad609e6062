{#- One row per order line of either channel. Online lines carry their own unit price.
    Store lines carry one when the POS file has the optional `unit_price` column and the
    line's value is given (the price charged wins: `unit_price_source` = 'pos_line');
    otherwise they take the POS price valid on the order date
    (slv_pos_products__price_history: the price of the latest drop on or before the order
    date, or the first known price for orders placed before the product's first drop;
    `unit_price_source` = 'pos_price_history'). Negative quantities are returns: the line
    amount is negative too. Rebuilt by merging only the lines whose row changed
    (`merge_changed_rows_by`, as the facts: its contract in _sales__models.yml): writing
    its 3M rows at scale 10 took ~5 s of the 6.7 s it cost, computing them ~1 s. It compares
    only the lines of the orders, lines and products its inputs' last writes changed
    (`merge_scope`; a source id of one channel may name a line of the other too: those are
    compared as well, to no effect). -#}
{{ config(merge_changed_rows_by='order_line_key', merge_scope={
    'slv_mariadb_order_items__checked': ['order_item_id', 'source_line_id'],
    'slv_mariadb_orders__checked': ['order_id', 'source_order_id'],
    'slv_pos_orderlines__checked': ['order_id', 'source_order_id'],
    'slv_pos_orders__checked': ['order_id', 'source_order_id'],
    'slv_pos_products__price_history': ['product_id', 'source_product_id'],
}) }}
with online as (

    select * from {{ ref('slv_mariadb_order_items__checked') }}
    where outcome = 'silver'

),

store as (

    select * from {{ ref('slv_pos_orderlines__checked') }}
    where outcome = 'silver'

),

store_orders as (

    select
        order_id,
        order_date
    from {{ ref('slv_pos_orders__checked') }}
    where outcome = 'silver'

),

online_orders as (

    select
        order_id,
        order_date
    from {{ ref('slv_mariadb_orders__checked') }}
    where outcome = 'silver'

),

price_history as (

    select * from {{ ref('slv_pos_products__price_history') }}

),

store_priced as (

    select
        store.* exclude (unit_price),
        store_orders.order_date,
        coalesce(store.unit_price, price_history.unit_price) as unit_price,
        case when store.unit_price is not null then 'pos_line' else 'pos_price_history' end as unit_price_source
    from store
    inner join store_orders
        on store.order_id = store_orders.order_id
    {# the validity window as plain comparisons (open ends as -infinity / infinity), not
        ORs: DuckDB then hash-joins on product_id instead of a nested-loop join #}
    left join price_history
        on
            store.product_id = price_history.product_id
            and store_orders.order_date >= case
                when price_history.is_first_known_price then cast('-infinity' as date)
                else price_history.valid_from
            end
            and store_orders.order_date < coalesce(price_history.valid_to, cast('infinity' as date))
    {#- as before: a line without a price of its own needs the product's snapshot price -#}
    where store.unit_price is not null or price_history.product_id is not null

),

unioned as (

    select
        {{ generate_surrogate_key(["'mariadb'", 'online.order_item_id']) }} as order_line_key,
        {{ generate_surrogate_key(["'mariadb'", 'online.order_id']) }} as order_key,
        {{ generate_surrogate_key(["'mariadb'", 'online.product_id']) }} as product_key,
        'mariadb' as source_system,
        'online' as channel,
        online.order_item_id as source_line_id,
        online.order_id as source_order_id,
        online.product_id as source_product_id,
        online.quantity,
        online.unit_price,
        'order_line' as unit_price_source,
        online.is_return,
        online_orders.order_date
    from online
    inner join online_orders
        on online.order_id = online_orders.order_id
    union all
    select
        {{ generate_surrogate_key(["'pos'", 'store.order_id', 'store.line_number']) }} as order_line_key,
        {{ generate_surrogate_key(["'pos'", 'store.order_id']) }} as order_key,
        {{ generate_surrogate_key(["'pos'", 'store.product_id']) }} as product_key,
        'pos' as source_system,
        'store' as channel,
        store.order_id || '|' || store.line_number as source_line_id,
        store.order_id as source_order_id,
        store.product_id as source_product_id,
        store.quantity,
        store.unit_price,
        store.unit_price_source,
        store.is_return,
        store.order_date
    from store_priced as store

),

final as (

    select
        -- ids
        order_line_key,
        order_key,
        product_key,
        source_line_id,
        source_order_id,
        source_product_id,
        -- strings
        source_system,
        channel,
        unit_price_source,
        -- numbers
        quantity,
        cast(unit_price as decimal(12, 2)) as unit_price,
        cast(quantity * unit_price as decimal(14, 2)) as line_amount,
        -- booleans
        is_return,
        -- dates
        order_date
    from unioned

)

select * from final
