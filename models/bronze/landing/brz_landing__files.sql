{{ config(materialized='table') }}

-- every landing source, so the listing covers the files each bronze model reads:
-- depends_on: {{ source('pos', 'product') }} {{ source('pos', 'city') }} {{ source('pos', 'customer') }}
-- depends_on: {{ source('pos', 'order') }} {{ source('pos', 'orderline') }}
-- depends_on: {{ source('mariadb', 'Customers') }} {{ source('mariadb', 'Categories') }}
-- depends_on: {{ source('mariadb', 'Suppliers') }} {{ source('mariadb', 'Products') }}
-- depends_on: {{ source('mariadb', 'Orders') }} {{ source('mariadb', 'Order_Items') }}
-- depends_on: {{ source('mariadb', 'Reviews') }} {{ source('mariadb', 'Product_Attributes') }}
-- depends_on: {{ source('mariadb_extractions', 'manifests') }} {{ source('events', 'events') }}
{{ landing_files_query() }}
