{#- One row per source product: the online catalog (category, supplier and flexible
    specifications from Product_Attributes) and the store's POS products (latest drop;
    category from the keyword crosswalk seed; no supplier or specifications). The two
    catalogs share no ids; products are not merged across channels. -#}
with online as (

    select * from {{ ref('slv_mariadb_products__checked') }}
    where outcome = 'silver'

),

categories as (

    select * from {{ ref('slv_mariadb_categories__checked') }}
    where outcome = 'silver'

),

suppliers as (

    select * from {{ ref('slv_mariadb_suppliers__checked') }}
    where outcome = 'silver'

),

attributes as (

    select * from {{ ref('slv_mariadb_product_attributes__checked') }}
    where outcome = 'silver'

),

store as (

    select * from {{ ref('slv_pos_products__checked') }}
    where outcome = 'silver'

),

keywords as (

    select * from {{ ref('product_category_keywords') }}

),

specifications as (

    select
        product_id,
        map_from_entries(
            list(struct_pack(key := attribute_name, value := attribute_value) order by attribute_name)
        ) as specifications
    from attributes
    group by product_id

),

store_categories as (

    select
        store.product_id,
        keywords.category_name
    from store
    inner join keywords
        on contains(lower(store.product_name), keywords.keyword)
    qualify row_number() over (
        partition by store.product_id order by length(keywords.keyword) desc, keywords.keyword
    ) = 1

),

online_products as (

    select
        -- ids
        {{ generate_surrogate_key(["'mariadb'", 'online.product_id']) }} as product_key,
        'mariadb' as source_system,
        online.product_id as source_product_id,
        online.category_id,
        online.supplier_id,
        -- strings
        'online' as channel,
        online.product_name,
        categories.category_name,
        suppliers.supplier_name,
        -- numbers
        online.current_price,
        cast(null as bigint) as available_quantity,
        -- maps
        coalesce(
            specifications.specifications,
            map_from_entries(cast([] as struct(key varchar, value varchar)[]))
        ) as specifications,
        -- dates
        online._load_date as last_seen_load_date
    from online
    left join categories
        on online.category_id = categories.category_id
    left join suppliers
        on online.supplier_id = suppliers.supplier_id
    left join specifications
        on online.product_id = specifications.product_id

),

store_products as (

    select
        -- ids
        {{ generate_surrogate_key(["'pos'", 'store.product_id']) }} as product_key,
        'pos' as source_system,
        store.product_id as source_product_id,
        cast(null as varchar) as category_id,
        cast(null as varchar) as supplier_id,
        -- strings
        'store' as channel,
        store.product_name,
        store_categories.category_name,
        cast(null as varchar) as supplier_name,
        -- numbers
        store.current_price,
        store.available_quantity,
        -- maps
        map_from_entries(cast([] as struct(key varchar, value varchar)[])) as specifications,
        -- dates
        store._load_date as last_seen_load_date
    from store
    left join store_categories
        on store.product_id = store_categories.product_id

),

final as (

    select * from online_products
    union all by name
    select * from store_products

)

select * from final
