-- Every silver customer has exactly one customer profile and one purchase history
-- document, and no document exists for anybody else. Returns a row per violation.
with customers as (

    select customer_key from {{ ref('slv_customers') }}

),

documents as (

    select
        _id,
        'doc_customer_profiles' as model_name
    from {{ ref('doc_customer_profiles') }}
    union all
    select
        _id,
        'doc_customer_purchase_history' as model_name
    from {{ ref('doc_customer_purchase_history') }}

),

per_customer as (

    select
        coalesce(customers.customer_key, documents._id) as customer_key,
        customers.customer_key is not null as is_silver_customer,
        count(*) filter (where documents.model_name = 'doc_customer_profiles') as profile_count,
        count(*) filter (where documents.model_name = 'doc_customer_purchase_history') as history_count
    from customers
    full outer join documents
        on customers.customer_key = documents._id
    group by all

)

select * from per_customer
where not is_silver_customer or profile_count != 1 or history_count != 1
