{#- Every MariaDB row (of the current extraction) held back from silver, with its reason
    codes (see the docs block `quarantine_reason_codes`). -#}
{{ quarantine_rows('Customers', 'slv_mariadb_customers__checked') }}
union all
{{ quarantine_rows('Categories', 'slv_mariadb_categories__checked') }}
union all
{{ quarantine_rows('Suppliers', 'slv_mariadb_suppliers__checked') }}
union all
{{ quarantine_rows('Products', 'slv_mariadb_products__checked') }}
union all
{{ quarantine_rows('Product_Attributes', 'slv_mariadb_product_attributes__checked') }}
union all
{{ quarantine_rows('Orders', 'slv_mariadb_orders__checked') }}
union all
{{ quarantine_rows('Order_Items', 'slv_mariadb_order_items__checked') }}
union all
{{ quarantine_rows('Reviews', 'slv_mariadb_reviews__checked') }}
