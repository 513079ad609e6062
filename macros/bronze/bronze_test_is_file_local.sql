{% macro bronze_test_is_file_local(test_node, model_node) %}
    {#- whether a data test on an incremental bronze model checks each landed file on its own,
        so that passing on every file one at a time is passing on the table: not_null,
        accepted_values, expression_is_true, unique_combination_of_columns over the file
        column, row_rules whose unique_key (a list) holds the file column and whose arguments
        and `where` read no relation (_row_rules_is_row_local); and a singular test that says
        so (`config(meta={'file_local': true})`: it
        compares rows of one file only, across all the bronze models it reads), for each
        incremental bronze model it reads. Only these get a file scope (bronze_test_scope)
        and pass records (bronze_files_tested); any other test (relationships, unique on a
        business key, a custom generic test) reads every row every time. -#}
    {%- if model_node is none or not model_node.name.startswith('brz_')
        or model_node.config.materialized != 'incremental' -%}
        {{ return(false) }}
    {%- endif -%}
    {%- set metadata = test_node.test_metadata if test_node.test_metadata is defined and test_node.test_metadata else none -%}
    {%- if metadata is none -%}
        {{ return(_bronze_singular_test_is_file_local(test_node)
            and model_node.unique_id in test_node.depends_on.nodes) }}
    {%- endif -%}
    {%- if metadata.namespace -%}{{ return(false) }}{%- endif -%}
    {%- if metadata.name in ('not_null', 'accepted_values', 'expression_is_true') -%}
        {{ return(true) }}
    {%- endif -%}
    {%- if metadata.name == 'row_rules' -%}
        {#- its rules are each about one row, and its key's uniqueness is checked per file when the
            file column is part of the key -#}
        {%- set unique_key = metadata.kwargs.get('unique_key') -%}
        {{ return(unique_key is not string and bronze_file_column(model_node.name) in (unique_key or [])
            and _row_rules_is_row_local(test_node)) }}
    {%- endif -%}
    {{ return(metadata.name == 'unique_combination_of_columns'
        and bronze_file_column(model_node.name) in (metadata.kwargs.get('combination_of_columns') or [])) }}
{% endmacro %}
