{#- A model's own column rules as one test: one node and one read of the table where a
    `unique`, `not_null`, `accepted_values`, `accepted_range` and `expression_is_true` test
    each were (per-node work, not SQL, is most of a rebuild with nothing new:
    docs/benchmarks.md). Each rule means what the generic test of its name means:
    - unique_key: a column name - every non-NULL value at most once (dbt's `unique`); a list
      of columns - every combination at most once, NULL counting as a value
      (`unique_combination_of_columns`). One failing row per repeated value, `occurrences`
      how often it occurs;
    - not_null: columns that hold no NULL;
    - accepted_values: {column: [values]} - every non-NULL value one of them (the values
      quoted, as dbt's `accepted_values` writes them: DuckDB casts them to the column's
      type, so `[true, false]` fits a boolean and `[1.5]` a decimal 1.50);
    - accepted_range: {column: {min_value, max_value, inclusive}} - every non-NULL value
      within the bounds (either optional; inclusive by default);
    - expressions: SQL expressions true on every row (false or NULL fails it).
    unique_key is required (the model's grain: the project linter counts a row_rules test as
    its uniqueness test); a misspelt argument (a bound other than min_value, max_value and
    inclusive, a range without a bound, a text where a list belongs) stops compilation.
    Fails with one row per table row and rule it breaks: `broken_rule` (the rule and its
    column or expression, e.g. `not_null(order_key)`), `row_key` (the row's unique_key as
    text, a JSON object for a list of columns), `occurrences` (how often a repeated key
    occurs, else 1) and `failing_row` (the whole row as JSON; NULL for a repeated key). The
    project's `test` materialization logs each broken rule with its count and an example
    key. Relationships stay tests of their own: they read a second relation. -#}
{% test row_rules(model, unique_key=none, not_null=[], accepted_values={}, accepted_range={}, expressions=[]) %}
{%- set context = "row_rules on " ~ model ~ ": " -%}
{%- if unique_key is string -%}
    {%- set key_columns = [unique_key] if unique_key | trim else [] -%}
{%- elif unique_key is iterable and unique_key is not mapping -%}
    {%- set key_columns = unique_key | list -%}
{%- else -%}
    {%- set key_columns = [] -%}
{%- endif -%}
{%- if not key_columns -%}
    {{ exceptions.raise_compiler_error(context ~ "unique_key (the model's grain: a column, or a list of columns) "
        ~ "is required") }}
{%- endif -%}
{%- for argument, value in [('not_null', not_null), ('expressions', expressions)] -%}
    {%- if value is string or value is mapping or value is not iterable -%}
        {{ exceptions.raise_compiler_error(context ~ argument ~ " must be a list, got " ~ value) }}
    {%- endif -%}
{%- endfor -%}
{%- if accepted_values is not mapping or accepted_range is not mapping -%}
    {{ exceptions.raise_compiler_error(context ~ "accepted_values and accepted_range map columns to their "
        ~ "values or bounds") }}
{%- endif -%}
{%- for column, values in accepted_values.items() -%}
    {%- if values is string or values is mapping or values is not iterable or values | length == 0 -%}
        {{ exceptions.raise_compiler_error(context ~ "accepted_values of " ~ column ~ " must be a list of values, got "
            ~ values) }}
    {%- endif -%}
{%- endfor -%}
{%- for column, bounds in accepted_range.items() -%}
    {%- if bounds is not mapping or bounds.keys() | reject('in', ['min_value', 'max_value', 'inclusive']) | list
        or (bounds.get('min_value') is none and bounds.get('max_value') is none) -%}
        {{ exceptions.raise_compiler_error(context ~ "accepted_range of " ~ column ~ " takes min_value, max_value "
            ~ "(at least one) and inclusive, got " ~ bounds) }}
    {%- endif -%}
{%- endfor -%}
{%- if unique_key is string -%}
    {%- set row_key = "cast(" ~ unique_key ~ " as varchar)" -%}
{%- else -%}
    {%- set fields = [] -%}
    {%- for column in key_columns -%}{%- do fields.append(sql_string(column) ~ ": " ~ column) -%}{%- endfor -%}
    {%- set row_key = "cast(to_json({" ~ fields | join(", ") ~ "}) as varchar)" -%}
{%- endif -%}
{%- set checks = [] -%}
{%- for column in not_null -%}
    {%- do checks.append((column ~ " is null", "not_null(" ~ column ~ ")")) -%}
{%- endfor -%}
{%- for column, values in accepted_values.items() -%}
    {%- set listed = [] -%}
    {%- for value in values -%}{%- do listed.append(sql_string(value)) -%}{%- endfor -%}
    {%- do checks.append((column ~ " not in (" ~ listed | join(", ") ~ ")",
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

with tested as (

    select * from {{ model }}

),

repeated as (

    select
        {{ sql_string('unique(' ~ key_columns | join(', ') ~ ')') }} as broken_rule,
        {{ row_key }} as row_key,
        count(*) as occurrences,
        cast(null as varchar) as failing_row
    from tested
    {%- if unique_key is string %}
    where {{ unique_key }} is not null
    {%- endif %}
    group by {{ key_columns | join(', ') }}
    having count(*) > 1

)

{%- if checks %},

broken as (

    select
        unnest(list_filter([
            {%- for condition, rule in checks %}
            case when {{ condition }} then {{ sql_string(rule) }} end{{ ',' if not loop.last }}
            {%- endfor %}
        ], lambda rule: rule is not null)) as broken_rule,
        {{ row_key }} as row_key,
        cast(1 as bigint) as occurrences,
        cast(to_json(tested) as varchar) as failing_row
    from tested
    where
        {%- for condition, rule in checks %}
        ({{ condition }}){{ ' or' if not loop.last }}
        {%- endfor %}

)
{%- endif %}

select * from repeated
{%- if checks %}
union all
select * from broken
{%- endif %}

{% endtest %}
