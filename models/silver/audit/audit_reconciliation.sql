{#- One row per source entity: every landed row is a silver row, a quarantined row or a
    de-duplicated row (an identical copy, or an older version superseded by a later drop
    or extraction; a MariaDB table's older extractions are counted from bronze). Lines the CSV/JSON reader could not turn into rows at all are counted
    apart in `rejected_lines` (they are in bronze's rejects tables). -#}
with entities as (

    {{ reconcile_entity('pos', 'product', 'brz_pos__products', 'slv_pos_products__checked',
                        'slv_products', "source_system = 'pos'", 'brz_pos__csv_rejects') }}
    union all
    {{ reconcile_entity('pos', 'city', 'brz_pos__cities', 'slv_pos_cities__checked',
                        'slv_zip_codes', 'true', 'brz_pos__csv_rejects') }}
    union all
    {{ reconcile_entity('pos', 'customer', 'brz_pos__customers', 'slv_pos_customers__checked',
                        'slv_customers__matched', "source_system = 'pos'", 'brz_pos__csv_rejects') }}
    union all
    {{ reconcile_entity('pos', 'order', 'brz_pos__orders', 'slv_pos_orders__checked',
                        'slv_orders', "source_system = 'pos'", 'brz_pos__csv_rejects') }}
    union all
    {{ reconcile_entity('pos', 'orderline', 'brz_pos__orderlines', 'slv_pos_orderlines__checked',
                        'slv_order_lines', "source_system = 'pos'", 'brz_pos__csv_rejects') }}
    union all
    {{ reconcile_entity('mariadb', 'Customers', 'brz_mariadb__customers',
                        'slv_mariadb_customers__checked', 'slv_customers__matched',
                        "source_system = 'mariadb'",
                        extracted_table='Customers') }}
    union all
    {{ reconcile_entity('mariadb', 'Categories', 'brz_mariadb__categories',
                        'slv_mariadb_categories__checked', 'slv_mariadb_categories__checked',
                        "outcome = 'silver'",
                        extracted_table='Categories') }}
    union all
    {{ reconcile_entity('mariadb', 'Suppliers', 'brz_mariadb__suppliers',
                        'slv_mariadb_suppliers__checked', 'slv_mariadb_suppliers__checked',
                        "outcome = 'silver'",
                        extracted_table='Suppliers') }}
    union all
    {{ reconcile_entity('mariadb', 'Products', 'brz_mariadb__products',
                        'slv_mariadb_products__checked', 'slv_products', "source_system = 'mariadb'",
                        extracted_table='Products') }}
    union all
    {{ reconcile_entity('mariadb', 'Product_Attributes', 'brz_mariadb__product_attributes',
                        'slv_mariadb_product_attributes__checked',
                        'slv_mariadb_product_attributes__checked', "outcome = 'silver'",
                        extracted_table='Product_Attributes') }}
    union all
    {{ reconcile_entity('mariadb', 'Orders', 'brz_mariadb__orders', 'slv_mariadb_orders__checked',
                        'slv_orders', "source_system = 'mariadb'",
                        extracted_table='Orders') }}
    union all
    {{ reconcile_entity('mariadb', 'Order_Items', 'brz_mariadb__order_items',
                        'slv_mariadb_order_items__checked', 'slv_order_lines',
                        "source_system = 'mariadb'",
                        extracted_table='Order_Items') }}
    union all
    {{ reconcile_entity('mariadb', 'Reviews', 'brz_mariadb__reviews', 'slv_mariadb_reviews__checked',
                        'slv_reviews',
                        extracted_table='Reviews') }}
    union all
    {{ reconcile_entity('events', 'events', 'brz_events__events', 'slv_events__checked',
                        'slv_events', 'true', 'brz_events__line_rejects') }}

),

final as (

    select
        -- strings
        source_system,
        entity,
        -- numbers
        landed_rows,
        silver_rows,
        quarantined_rows,
        duplicate_rows + superseded_rows as deduplicated_rows,
        rejected_lines,
        duplicate_rows,
        superseded_rows,
        round(quarantined_rows / nullif(landed_rows, 0), 4) as quarantine_rate
    from entities

)

select * from final
