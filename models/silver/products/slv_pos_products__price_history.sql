{#- One row per POS product and drop in which its price was exported: the price is taken
    to hold from that drop's load date until the next drop that has the product. The first
    known price also covers orders placed before the product's first drop. -#}
with versions as (

    select * from {{ ref('slv_pos_products__checked') }}
    where outcome in ('silver', 'superseded')

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
    from versions

)

select * from final
