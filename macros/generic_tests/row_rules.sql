{#- A model's own column rules as one test: one node and one read of the table where a
    `unique`, `not_null`, `accepted_values`, `accepted_range` and `expression_is_true` test
    each were (per-node work, not SQL, is most of a rebuild with nothing new:
    docs/benchmarks.md). Each rule means what the generic test of its name means:
    - unique_key: a column name - every non-NULL value at most once (dbt's `unique`); a list
      of columns - every combination at most once, NULL counting as a value
      (`unique_combination_of_columns`). One failing row per repeated value, `occurrences`
      how often it occurs;
    - not_null: columns that hold no NULL;
    - accepted_values: {column: [values]} - every non-NULL value one of them (compared as
      text, as dbt's `accepted_values` quotes them);
    - accepted_range: {column: {min_value, max_value, inclusive}} - every non-NULL value
      within the bounds (either optional; inclusive by default);
    - expressions: SQL expressions true on every row (false or NULL fails it).
    Fails with one row per table row and rule it breaks: `broken_rule` (the rule and its
    column or expression, e.g. `not_null(order_key)`), `row_key` (the row's unique_key as
    text, a JSON object for a list of columns; NULL without one) and `occurrences`. Relationships stay tests of their own: they read a
    second relation. -#}
{% test row_rules(model, unique_key=none, not_null=[], accepted_values={}, accepted_range={}, expressions=[]) %}
{%- set key_columns = [unique_key] if unique_key is string else (unique_key or []) -%}
{%- if unique_key is string -%}
    {%- set row_key = "cast(" ~ unique_key ~ " as varchar)" -%}
{%- elif key_columns -%}
    {%- set fields = [] -%}
    {%- for column in key_columns -%}{%- do fields.append(sql_string(column) ~ ": " ~ column) -%}{%- endfor -%}
    {%- set row_key = "cast(to_json({" ~ fields | join(", ") ~ "}) as varchar)" -%}
{%- else -%}
    {%- set row_key = "cast(null as varchar)" -%}
{%- endif -%}
{%- set checks = [] -%}
{%- for column in not_null -%}
    {%- do checks.append((column ~ " is null", "not_null(" ~ column ~ ")")) -%}
{%- endfor -%}
{%- for column, values in accepted_values.items() -%}
    {%- set listed = [] -%}
    {%- for value in values -%}{%- do listed.append(sql_string(value)) -%}{%- endfor -%}
    {%- do checks.append(("cast(" ~ column ~ " as varchar) not in (" ~ listed | join(", ") ~ ")",
        "accepted_values(" ~ column ~ ")")) -%}
{%- endfor -%}
{%- for column, bounds in accepted_range.items() -%}
    {%- set inclusive = bounds.get('inclusive', true) -%}
    {%- set outside = ['false'] -%}
    {%- if bounds.get('min_value') is not none -%}
        {%- do outside.append(column ~ (' < ' if inclusive else ' <= ') ~ bounds['min_value']) -%}
    {%- endif -%}
    {%- if bounds.get('max_value') is not none -%}
        {%- do outside.append(column ~ (' > ' if inclusive else ' >= ') ~ bounds['max_value']) -%}
    {%- endif -%}
    {%- do checks.append((column ~ " is not null and (" ~ outside | join(" or ") ~ ")",
        "accepted_range(" ~ column ~ ")")) -%}
{%- endfor -%}
{%- for expression in expressions -%}
    {%- do checks.append(("not coalesce((" ~ expression ~ "), false)", "expression_is_true(" ~ expression ~ ")")) -%}
{%- endfor %}

{%- if not key_columns and not checks -%}
    {{ exceptions.raise_compiler_error("row_rules on " ~ model ~ ": no rule given (unique_key, not_null, "
        ~ "accepted_values, accepted_range or expressions)") }}
{%- endif %}

with tested as (

    select * from {{ model }}

)

{%- if key_columns %},

repeated as (

    select
        {{ sql_string('unique(' ~ key_columns | join(', ') ~ ')') }} as broken_rule,
        {{ row_key }} as row_key,
        count(*) as occurrences
    from tested
    {%- if unique_key is string %}
    where {{ unique_key }} is not null
    {%- endif %}
    group by {{ key_columns | join(', ') }}
    having count(*) > 1

)
{%- endif %}

{%- if checks %},

broken as (

    select
        unnest(list_filter([
            {%- for condition, rule in checks %}
            case when {{ condition }} then {{ sql_string(rule) }} end{{ ',' if not loop.last }}
            {%- endfor %}
        ], lambda rule: rule is not null)) as broken_rule,
        {{ row_key }} as row_key,
        cast(1 as bigint) as occurrences
    from tested
    where
        {%- for condition, rule in checks %}
        ({{ condition }}){{ ' or' if not loop.last }}
        {%- endfor %}

)
{%- endif %}

{% if key_columns %}select * from repeated{% endif %}
{% if key_columns and checks %}union all{% endif %}
{% if checks %}select * from broken{% endif %}

{% endtest %}
