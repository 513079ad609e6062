{{ config(rebuild_by_extraction={
    'table': 'Products',
    'input': 'brz_mariadb__products',
    'key': 'product_id',
    'parents': {
        'slv_mariadb_categories__checked': 'category_id',
        'slv_mariadb_suppliers__checked': 'supplier_id',
    },
}) }}
with products as (

    select * from {{ ref('brz_mariadb__products') }}

),

categories as (

    select category_id from {{ ref('slv_mariadb_categories__checked') }}
    where outcome = 'silver'

),

suppliers as (

    select supplier_id from {{ ref('slv_mariadb_suppliers__checked') }}
    where outcome = 'silver'

),

typed as (

    select
        -- ids
        cast(products.product_id as {{ dbt.type_string() }}) as product_id,
        cast(products.product_id as {{ dbt.type_string() }}) as natural_key,
        categories.category_id,
        suppliers.supplier_id,
        -- strings
        {{ clean_text('products.product_name') }} as product_name,
        -- numbers
        products.price as current_price,
        -- data quality
        {{ issue_list([
            ('products.product_id is null', 'missing_key'),
            ('products.price is null', 'missing_price'),
            ('products.price < 0', 'negative_price'),
            ('len(products._conversion_errors) > 0', 'unconvertible_value'),
        ]) }} as quarantine_reasons,
        {{ issue_list([
            ('products.category_id is not null and categories.category_id is null', 'orphan_fk'),
            ('products.supplier_id is not null and suppliers.supplier_id is null', 'orphan_fk'),
        ]) }} as dq_flags,
        {% call with_unconvertible_values('products._conversion_errors') %}
            to_json(struct_pack(
                products.product_id, products.product_name, products.price, products.category_id,
                products.supplier_id
            ))
        {% endcall %} as _raw_row,
        {{ current_extraction('Products', 'products._extraction_id') }} as _is_candidate,
        -- lineage
        products._extraction_id,
        products._source_system,
        products._source_file,
        products._load_date,
        products._source_row_number,
        products._row_hash
    from products
    left join categories
        on cast(products.category_id as {{ dbt.type_string() }}) = categories.category_id
    left join suppliers
        on cast(products.supplier_id as {{ dbt.type_string() }}) = suppliers.supplier_id

),

-- every typed row with its outcome (silver, duplicate, superseded, quarantined)
decided as (

    {{ resolve_versions(
        from_cte='typed',
        key_columns=['product_id'],
        content_columns=['product_id', 'product_name', 'current_price', 'category_id', 'supplier_id'],
        group_by='_extraction_id',
        latest_read_only=true,
    ) }}

)

-- resolve_versions ends in a union, which sqlfluff cannot follow (see the macro)
select * from decided  -- noqa: AM04
