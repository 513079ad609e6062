{#- Whether a row_rules test's rules are each about one row: true unless one of its
    `expressions` reads a relation (a subquery: `select`, `from`) or holds Jinja (a `ref()`).
    Such a test, which compares a row with other rows, always reads every row: it gets no
    changed-keys scope (_changed_rows_scope_node) and no file scope on bronze
    (bronze_test_is_file_local). The check is of words, not a parse: it may refuse an
    expression that only names a column `from`, never accepts a subquery. -#}
{% macro _row_rules_is_row_local(test_metadata) %}
    {%- set reads = modules.re.compile('\\b(select|from)\\b|\\{[{%]', modules.re.IGNORECASE) -%}
    {%- set expressions = (test_metadata.kwargs or {}).get('expressions') or [] -%}
    {%- if expressions is string -%}{{ return(false) }}{%- endif -%}
    {%- for expression in expressions if reads.search(expression | string) -%}
        {{ return(false) }}
    {%- endfor -%}
    {{ return(true) }}
{% endmacro %}
