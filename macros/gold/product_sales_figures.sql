{#- SQL (text) of a query: one row per product of `products` (a relation or CTE with
    product_key) with its sales over the order lines of `lines` (fct_order_lines' columns,
    unknown customers included): orders, known buyers, units net of returns, units returned,
    gross, returns and net revenue, first and last sale date - 0 (dates NULL) when never
    sold. The one definition of these figures: agg_product_performance and the summary of
    doc_product_sales both read it, so the document needs no aggregate built before it. -#}
{% macro product_sales_figures(products, lines) -%}
    select
        {{ products }}.product_key,
        coalesce(sales.order_count, 0) as order_count,
        coalesce(sales.customer_count, 0) as customer_count,
        cast(coalesce(sales.units, 0) as bigint) as units,
        cast(coalesce(sales.units_returned, 0) as bigint) as units_returned,
        cast(coalesce(sales.gross_amount, 0) as decimal(18, 2)) as gross_amount,
        cast(coalesce(sales.returns_amount, 0) as decimal(18, 2)) as returns_amount,
        cast(coalesce(sales.revenue, 0) as decimal(18, 2)) as revenue,
        sales.first_sold_date,
        sales.last_sold_date
    from {{ products }}
    left join (
        select
            product_key,
            count(distinct order_key) as order_count,
            count(distinct case when customer_key != '{{ var("unknown_member_key") }}' then customer_key end)
                as customer_count,
            sum(quantity) as units,
            sum(case when is_return then -quantity else 0 end) as units_returned,
            sum(case when not is_return then line_amount else 0 end) as gross_amount,
            sum(case when is_return then line_amount else 0 end) as returns_amount,
            sum(line_amount) as revenue,
            min(order_date) as first_sold_date,
            max(order_date) as last_sold_date
        from {{ lines }}
        group by product_key
    ) as sales
        on {{ products }}.product_key = sales.product_key
{%- endmacro %}
