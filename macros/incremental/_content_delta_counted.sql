{#- The table's row count and hash sum after an in-place write ('<count>:<sum>', text, as
    _model_fingerprint_content's `counted` takes it): the content before, less the rows the
    write removed, plus those it added (aethermart_content_delta, _content_delta_sql). The
    sum of the rows' hashes is order-free, so this is what a scan of the table would sum. None
    - the caller scans the table - when the content before is unknown or the count does not
    match the table's own (logged), and when the model has hooks (a hook in its transaction
    may change rows the write did not count). Drops the temp table. -#}
{% macro _content_delta_counted(relation) %}
    {#- a hook in the model's transaction may change rows the write did not count -#}
    {%- if model.config.get('pre-hook') or model.config.get('post-hook') -%}
        {% call statement('content_delta_dropped') -%}
            drop table aethermart_content_delta
        {%- endcall %}
        {{ return(none) }}
    {%- endif %}
    {% call statement('content_delta_counted', fetch_result=True) -%}
        select
            try_cast(split_part(before, ':', 1) as bigint) - removed_rows + added_rows as row_count,
            cast(try_cast(split_part(before, ':', 2) as hugeint) - removed_sum + added_sum as varchar) as hash_sum,
            (select count(*) from {{ relation }}) as actual_rows
        from aethermart_content_delta
    {%- endcall %}
    {%- set rows = load_result('content_delta_counted').table.rows -%}
    {% call statement('content_delta_dropped') -%}
        drop table aethermart_content_delta
    {%- endcall %}
    {%- if rows | length != 1 or rows[0][0] is none or rows[0][1] is none or rows[0][0] != rows[0][2] -%}
        {{ log(model.name ~ ": the rows its write counted do not add up to its table's (" ~ (rows[0][0] if rows else 'none')
            ~ " counted, " ~ (rows[0][2] if rows else 'none') ~ " found): its content hashed by a scan", info=true) }}
        {{ return(none) }}
    {%- endif -%}
    {{ return(rows[0][0] ~ ':' ~ rows[0][1]) }}
{% endmacro %}
