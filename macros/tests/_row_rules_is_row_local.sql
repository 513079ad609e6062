{#- Whether a row_rules test's rules are each about one row: false when any SQL text among its
    arguments - `expressions`, the bounds of `accepted_range`, the columns it names - or its
    `where` config holds a word that starts a query (a subquery in DuckDB opens with one of
    them: select, from, with, table, values, pivot, unpivot, summarize, describe, show) or
    Jinja (a `ref()`). Such a test compares a row with other rows, so it always reads every
    row: no changed-keys scope (_changed_rows_scope), no file scope on bronze
    (bronze_test_is_file_local). A check of words, not a parse: it refuses more than it must
    (a column named `values`), to never take a subquery for a row rule. On a test of another
    kind (`relationships`) it checks the `where` config alone. -#}
{% macro _row_rules_is_row_local(test_node) %}
    {%- set reads = modules.re.compile(
        '\\b(select|from|with|table|values|pivot|unpivot|summarize|describe|show)\\b|\\{[{%]',
        modules.re.IGNORECASE) -%}
    {%- set kwargs = test_node.test_metadata.kwargs or {} -%}
    {%- set texts = [test_node.config.get('where') or ''] -%}
    {%- for name in ['expressions', 'not_null'] -%}
        {%- set values = kwargs.get(name) or [] -%}
        {%- if values is string -%}{{ return(false) }}{%- endif -%}
        {%- for value in values -%}{%- do texts.append(value | string) -%}{%- endfor -%}
    {%- endfor -%}
    {%- set unique_key = kwargs.get('unique_key') -%}
    {%- for column in ([unique_key] if unique_key is string else (unique_key or [])) -%}
        {%- do texts.append(column | string) -%}
    {%- endfor -%}
    {%- for column in (kwargs.get('accepted_values') or {}).keys() -%}{%- do texts.append(column | string) -%}{%- endfor -%}
    {%- for column, bounds in (kwargs.get('accepted_range') or {}).items() -%}
        {%- do texts.append(column | string) -%}
        {%- for bound in (bounds.values() if bounds is mapping else [bounds]) -%}
            {%- do texts.append(bound | string) -%}
        {%- endfor -%}
    {%- endfor -%}
    {%- for text in texts if reads.search(text) -%}
        {{ return(false) }}
    {%- endfor -%}
    {{ return(true) }}
{% endmacro %}
