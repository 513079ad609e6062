"""The dbt-duckdb plugins registered in profiles.yml: the PII salt (pii_salt), our own record
count of landed CSV files (record_count, with csv_count and csv_recover) and the landing
zone's lstat checks (landing_guard)."""
