{{ config(rebuild_by_extraction={
    'table': 'Customers',
    'input': 'brz_mariadb__customers',
    'key': 'customer_id',
}) }}
with customers as (

    select * from {{ ref('brz_mariadb__customers') }}

),

states as (

    select * from {{ ref('us_states') }}

),

typed as (

    select
        -- ids
        cast(customers.customer_id as {{ dbt.type_string() }}) as customer_id,
        cast(customers.customer_id as {{ dbt.type_string() }}) as natural_key,
        -- strings
        {{ clean_text('customers.first_name') }} as first_name,
        {{ clean_text('customers.last_name') }} as last_name,
        case
            when not {{ is_placeholder_email('customers.email') }}
                then {{ clean_email('customers.email') }}
        end as email,
        {{ clean_text('customers.city') }} as city_name,
        coalesce(states.state_code, {{ region_code('customers.state') }}) as state_code,
        '{{ source_country('mariadb') }}' as country_code,
        {{ postal_code('customers.zipcode', 'mariadb') }} as zip_code,
        -- dates
        case when {{ is_plausible_date('customers.registration_date') }} then customers.registration_date end
            as registration_date,
        -- data quality
        {{ issue_list([
            ('customers.customer_id is null', 'missing_key'),
            ('len(customers._conversion_errors) > 0', 'unconvertible_value'),
        ]) }} as quarantine_reasons,
        {{ issue_list([
            ('not ' ~ is_blank('customers.email') ~ ' and ' ~ is_placeholder_email('customers.email'),
             'placeholder_email'),
            ('not ' ~ is_blank('customers.email') ~ ' and not ' ~ is_placeholder_email('customers.email')
             ~ ' and not ' ~ is_valid_email('customers.email'), 'invalid_email'),
            ('not ' ~ is_blank('customers.state') ~ ' and states.state_code is null and '
             ~ "'" ~ source_country('mariadb') ~ "' = 'US'", 'unknown_state_code'),
            ('not ' ~ is_blank('customers.zipcode') ~ ' and ' ~ postal_code('customers.zipcode', 'mariadb') ~ ' is null',
             'invalid_zip'),
            ('not ' ~ is_plausible_date('customers.registration_date'), 'implausible_date'),
        ]) }} as dq_flags,
        {% call with_unconvertible_values('customers._conversion_errors') %}
            to_json(struct_pack(
                customers.customer_id, customers.first_name, customers.last_name, customers.email,
                customers.registration_date, customers.city, customers.state, customers.zipcode
            ))
        {% endcall %} as _raw_row,
        {{ current_extraction('Customers', 'customers._extraction_id') }} as _is_candidate,
        -- lineage
        customers._extraction_id,
        customers._source_system,
        customers._source_file,
        customers._load_date,
        customers._source_row_number,
        customers._row_hash
    from customers
    left join states
        on
            '{{ source_country('mariadb') }}' = 'US'
            and (
                states.state_code = {{ region_code('customers.state') }}
                or upper(states.state_name) = {{ region_code('customers.state') }}
            )

),

-- every typed row with its outcome (silver, duplicate, superseded, quarantined)
decided as (

    {{ resolve_versions(
        from_cte='typed',
        key_columns=['customer_id'],
        content_columns=[
            'customer_id', 'first_name', 'last_name', 'email', 'city_name', 'state_code', 'zip_code',
            'registration_date',
        ],
        group_by='_extraction_id',
        latest_read_only=true,
    ) }}

)

-- resolve_versions ends in a union, which sqlfluff cannot follow (see the macro)
select * from decided  -- noqa: AM04
