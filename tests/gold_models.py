"""The gold models the project promises, by folder of models/gold/: the docs site lists them
and every one is published as Parquet (the documents to MongoDB too)."""

STAR = ("dim_customer", "dim_product", "dim_date", "dim_geography", "fct_order_lines", "fct_orders")
AGGREGATES = ("agg_sales_by_state_month", "agg_product_performance", "agg_customer_value")
DOCUMENTS = (
    "doc_customer_profiles",
    "doc_customer_purchase_history",
    "doc_product_catalog",
    "doc_product_sales",
    "doc_reviews",
)
GOLD_MODELS = frozenset((*STAR, *AGGREGATES, *DOCUMENTS))
