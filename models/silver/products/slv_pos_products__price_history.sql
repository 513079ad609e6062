{#- One row per POS product and price run: the drops in a row (among those that have the
    product) that exported one price. The price holds from the run's first drop's load date
    until the next drop that has the product at another price. The first known price also
    covers orders placed before the product's first drop. A drop that re-sends every product
    at its price changes no row, so the store lines priced from here need no new comparison
    (slv_order_lines' merge_scope). -#}
with versions as (

    select
        product_id,
        current_price,
        _load_date
    from {{ ref('slv_pos_products__checked') }}
    where outcome in ('silver', 'superseded')

),

runs as (

    select
        *,
        (
            row_number() over (partition by product_id order by _load_date) = 1
            or current_price is distinct from lag(current_price) over (partition by product_id order by _load_date)
        ) as starts_a_run
    from versions

),

final as (

    select
        -- ids
        product_id,
        -- numbers
        current_price as unit_price,
        -- booleans
        row_number() over (partition by product_id order by _load_date) = 1 as is_first_known_price,
        -- dates
        _load_date as valid_from,
        lead(_load_date) over (partition by product_id order by _load_date) as valid_to
    from runs
    where starts_a_run

)

select * from final
