{{ config(rebuild_by_extraction={
    'table': 'Reviews',
    'input': 'brz_mariadb__reviews',
    'key': 'review_id',
    'parents': {
        'slv_mariadb_customers__checked': 'customer_id',
        'slv_mariadb_products__checked': 'product_id',
    },
}) }}
with reviews as (

    select * from {{ ref('brz_mariadb__reviews') }}

),

known_customers as (

    select customer_id from {{ ref('slv_mariadb_customers__checked') }}
    where outcome = 'silver'

),

product_status as (

    {{ usable_keys('slv_mariadb_products__checked', 'product_id') }}

),

typed as (

    select
        -- ids
        cast(reviews.review_id as {{ dbt.type_string() }}) as review_id,
        cast(reviews.review_id as {{ dbt.type_string() }}) as natural_key,
        cast(reviews.product_id as {{ dbt.type_string() }}) as product_id,
        cast(reviews.customer_id as {{ dbt.type_string() }}) as customer_id,
        -- strings
        reviews.review_text,
        -- numbers
        case when reviews.rating between 1 and 5 then reviews.rating end as rating,
        reviews.rating as landed_rating,
        -- booleans
        known_customers.customer_id is not null as is_customer_known,
        -- dates
        case when {{ is_plausible_date('reviews.review_date') }} then reviews.review_date end as review_date,
        -- data quality
        {{ issue_list([
            ('reviews.review_id is null', 'missing_key'),
            ('reviews.product_id is not null and product_status.product_id is null', 'orphan_fk'),
            ('not product_status.is_usable', 'parent_quarantined'),
            ('len(reviews._conversion_errors) > 0', 'unconvertible_value'),
        ]) }} as quarantine_reasons,
        {{ issue_list([
            ('reviews.rating is null', 'missing_rating'),
            ('reviews.rating not between 1 and 5', 'rating_out_of_range'),
            ('reviews.customer_id is not null and known_customers.customer_id is null', 'orphan_fk'),
            ('not ' ~ is_plausible_date('reviews.review_date'), 'implausible_date'),
        ]) }} as dq_flags,
        {% call with_unconvertible_values('reviews._conversion_errors') %}
            to_json(struct_pack(
                reviews.review_id, reviews.product_id, reviews.customer_id, reviews.rating,
                reviews.review_text, reviews.review_date
            ))
        {% endcall %} as _raw_row,
        {{ current_extraction('Reviews', 'reviews._extraction_id') }} as _is_candidate,
        -- lineage
        reviews._extraction_id,
        reviews._source_system,
        reviews._source_file,
        reviews._load_date,
        reviews._source_row_number,
        reviews._row_hash
    from reviews
    left join known_customers
        on cast(reviews.customer_id as {{ dbt.type_string() }}) = known_customers.customer_id
    left join product_status
        on cast(reviews.product_id as {{ dbt.type_string() }}) = product_status.product_id

),

-- every typed row with its outcome (silver, duplicate, superseded, quarantined)
decided as (

    {{ resolve_versions(
        from_cte='typed',
        key_columns=['review_id'],
        content_columns=[
            'review_id', 'product_id', 'customer_id', 'landed_rating', 'review_text', 'review_date',
        ],
        group_by='_extraction_id',
        latest_read_only=true,
    ) }}

)

-- resolve_versions ends in a union, which sqlfluff cannot follow (see the macro)
select * from decided  -- noqa: AM04
