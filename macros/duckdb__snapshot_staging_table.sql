{#- dbt's snapshot staging query (the rows a snapshot run inserts and closes), unchanged -
    except under `--empty`. There dbt reads every input as zero rows, and with `hard_deletes:
    new_record` the staging would close the history of every record (a deletion version for
    each customer and product, which no later build can undo: a snapshot's history is not
    rebuilt from sources). Under `--empty` the staging is empty: the snapshot's SQL is still
    compiled and run, its table created if it does not exist, and its history left as it was. -#}
{% macro duckdb__snapshot_staging_table(strategy, source_sql, target_relation) -%}
    {%- set staging = dbt.default__snapshot_staging_table(strategy, source_sql, target_relation) -%}
    {%- if flags.EMPTY -%}
        select * from ({{ staging }}) as empty_run_staging where false
    {%- else -%}
        {{ staging }}
    {%- endif -%}
{%- endmacro %}
