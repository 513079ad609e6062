{#- SQL (text) of what a model with `rebuild_by_extraction` read of the extractions `first` to
    `last` (SQL expressions, both included): the bronze input's rows of them (count and the
    sum of the rows' hashes: every value, lineage included) and their entries in the list of
    extractions (mode, replaced key and ranges, manifest). A file of such an extraction
    changed, removed or landed late changes it. -#}
{% macro _rebuild_by_extraction_history(spec, first, last) %}
    {{ return("((select count(*) || ':' || coalesce(sum(hash(history_rows)), 0) from " ~ spec.reads[spec.input]
        ~ " as history_rows where _extraction_id >= " ~ first ~ " and _extraction_id <= " ~ last ~ ")"
        ~ " || '|' || (select count(*) || ':' || coalesce(sum(hash(listed)), 0) from (select extraction_id, "
        ~ "extraction_mode, replaced_key, replaced_key_ranges, _source_file from " ~ spec.reads[spec.extractions]
        ~ " where table_name = " ~ sql_string(spec.table) ~ " and extraction_id >= " ~ first
        ~ " and extraction_id <= " ~ last ~ ") as listed))") }}
{% endmacro %}
