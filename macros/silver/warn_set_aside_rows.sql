{#- Post-hook of audit_set_aside: prints one warning per row set aside above its warn
    threshold (the model's `message`), so every build says what it could not use. The
    error thresholds fail the build in the singular test
    assert_set_aside_rows_within_error_thresholds. -#}
{% macro warn_set_aside_rows() %}
    {%- if execute -%}
        {%- set found = run_query(
            "select message from " ~ this ~ " where threshold_level = 'warn' "
            ~ "order by source_system, entity, set_aside_kind, reason") -%}
        {%- for row in found.rows -%}
            {%- do exceptions.warn("WARNING data quality: " ~ row[0]) -%}
        {%- endfor -%}
    {%- endif -%}
    select 1
{% endmacro %}
