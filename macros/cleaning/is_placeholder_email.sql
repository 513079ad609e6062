{#- True for the stand-in values people type when they have no email to give
    (`n/a`, `none`, `noemail@…`, `test@test.com`, `…@none.com`): the whole trimmed,
    lower-case value matches a pattern of the seed `placeholder_email_patterns`, which
    users extend. Such values are contact data of nobody and must never link two
    customers.
    The patterns are read from the seed when the model runs and inlined as one constant
    regular expression: a pattern that comes from a subquery is compiled again for every
    row (measured: ~100x slower). Unit tests, and a compile before the seed exists, use the
    subquery form, so a unit test's given seed rows are what it matches. -#}
{% macro is_placeholder_email(expression) -%}
    {%- set patterns = ref('placeholder_email_patterns') -%}
    {%- set combined = "select string_agg('(?:' || pattern || ')', '|' order by pattern) from " ~ patterns -%}
    {%- set pattern_sql = '(' ~ combined ~ ')' -%}
    {%- if execute and model.resource_type != 'unit_test'
        and adapter.get_relation(patterns.database, patterns.schema, patterns.identifier) is not none -%}
        {%- set broken = run_query(
            "select pattern from " ~ patterns ~ " where try(regexp_full_match('', pattern)) is null "
            ~ "order by pattern").columns[0].values() -%}
        {%- if broken | length -%}
            {{ exceptions.raise_compiler_error(
                "seeds/placeholder_email_patterns.csv: " ~ broken | length ~ " pattern(s) are not valid RE2 "
                ~ "regular expressions: " ~ escaped_excerpt(broken[:3] | join('  '), 200)
                ~ " (a pattern matches the whole email: `.*@example\.com`, not `*@example.com`)") }}
        {%- endif -%}
        {%- set pattern = run_query(combined).columns[0].values()[0] -%}
        {%- set pattern_sql = sql_string(pattern) if pattern is not none else 'null' -%}
    {%- endif -%}
    coalesce(regexp_full_match(lower({{ trim_whitespace(expression) }}), {{ pattern_sql }}), false)
{%- endmacro %}
