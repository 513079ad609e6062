{{ config(rebuild_by_extraction={
    'table': 'Orders',
    'input': 'brz_mariadb__orders',
    'key': 'order_id',
    'parents': {'slv_mariadb_customers__checked': 'customer_id'},
}) }}
with orders as (

    select * from {{ ref('brz_mariadb__orders') }}

),

known_customers as (

    select customer_id from {{ ref('slv_mariadb_customers__checked') }}
    where outcome = 'silver'

),

typed as (

    select
        -- ids
        cast(orders.order_id as {{ dbt.type_string() }}) as order_id,
        cast(orders.order_id as {{ dbt.type_string() }}) as natural_key,
        cast(orders.customer_id as {{ dbt.type_string() }}) as customer_id,
        -- numbers
        orders.total_amount as source_total_amount,
        -- booleans
        known_customers.customer_id is not null as is_customer_known,
        -- dates
        orders.order_date,
        -- timestamps
        cast(null as timestamptz) as ordered_at,
        -- data quality
        {{ issue_list([
            ('orders.order_id is null', 'missing_key'),
            ('orders.order_date is null', 'missing_date'),
            ('not ' ~ is_plausible_date('orders.order_date'), 'implausible_date'),
            ('len(orders._conversion_errors) > 0', 'unconvertible_value'),
        ]) }} as quarantine_reasons,
        {{ issue_list([
            ('orders.customer_id is not null and known_customers.customer_id is null', 'orphan_fk'),
        ]) }} as dq_flags,
        {% call with_unconvertible_values('orders._conversion_errors') %}
            to_json(struct_pack(
                orders.order_id, orders.customer_id, orders.order_date, orders.total_amount
            ))
        {% endcall %} as _raw_row,
        {{ current_extraction('Orders', 'orders._extraction_id') }} as _is_candidate,
        -- lineage
        orders._extraction_id,
        orders._source_system,
        orders._source_file,
        orders._load_date,
        orders._source_row_number,
        orders._row_hash
    from orders
    left join known_customers
        on cast(orders.customer_id as {{ dbt.type_string() }}) = known_customers.customer_id

),

-- every typed row with its outcome (silver, duplicate, superseded, quarantined)
decided as (

    {{ resolve_versions(
        from_cte='typed',
        key_columns=['order_id'],
        content_columns=['order_id', 'customer_id', 'source_total_amount', 'order_date'],
        group_by='_extraction_id',
        latest_read_only=true,
    ) }}

)

-- resolve_versions ends in a union, which sqlfluff cannot follow (see the macro)
select * from decided  -- noqa: AM04
