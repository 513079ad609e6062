{#- Every POS row held back from silver, with its reason codes (see the docs block
    `quarantine_reason_codes`). -#}
{{ quarantine_rows('product', 'slv_pos_products__checked') }}
union all
{{ quarantine_rows('city', 'slv_pos_cities__checked') }}
union all
{{ quarantine_rows('customer', 'slv_pos_customers__checked') }}
union all
{{ quarantine_rows('order', 'slv_pos_orders__checked') }}
union all
{{ quarantine_rows('orderline', 'slv_pos_orderlines__checked') }}
