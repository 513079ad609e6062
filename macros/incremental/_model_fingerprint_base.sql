{% macro _model_fingerprint_base(code) %}
    {#- SQL expressions (text) for what a table model's rows depend on besides its inputs: the
        materialization's version, the SQL it runs (`code`), its config and contract, the PII
        salt's fingerprint, the session time zone, the DuckDB, dbt-core and dbt-duckdb versions -#}
    {{ return([
        "'" ~ model_fingerprint_version() ~ "'",
        "'" ~ local_md5(code) ~ "'",
        "'" ~ local_md5(tojson(model.config, sort_keys=true)) ~ "'",
        "'" ~ local_md5(tojson(_model_fingerprint_columns(model), sort_keys=true)) ~ "'",
        "coalesce(getvariable('aethermart_pii_salt_fingerprint'), '-')",
        "current_setting('TimeZone')",
        "version()",
        "'" ~ dbt_version ~ "'",
        "'" ~ adapter.type() ~ "=' || coalesce(getvariable('aethermart_dbt_duckdb_version'), 'unknown:' || uuid())",
    ]) }}
{% endmacro %}
