{% macro _bronze_file_plan_incremental() %}
    {#- incremental: the table exists, no --full-refresh, and its files were recorded
        with the same fingerprint -#}
    {%- if not is_incremental() -%}{{ return(false) }}{%- endif -%}
    {%- set memo = node_memo() -%}
    {%- if 'bronze_file_plan_incremental' in memo -%}{{ return(memo['bronze_file_plan_incremental']) }}{%- endif -%}
    {%- set recorded = run_query(
        "select count(*) from information_schema.tables where table_catalog = current_database() "
        ~ "and table_schema = 'ops' and table_name = 'bronze_file_state'"
    ).columns[0].values()[0] -%}  {#- this warehouse's: `dbt clone`'s target attaches another -#}
    {%- if not recorded -%}
        {%- do memo.update({'bronze_file_plan_incremental': false}) -%}
        {{ return(false) }}
    {%- endif -%}
    {%- set same = run_query(
        "select count(*) from ops.bronze_file_state where model = " ~ sql_string(model.name)
        ~ " and fingerprint = " ~ sql_string(bronze_file_fingerprint())).columns[0].values()[0] -%}
    {%- do memo.update({'bronze_file_plan_incremental': same > 0}) -%}
    {{ return(same > 0) }}
{% endmacro %}
