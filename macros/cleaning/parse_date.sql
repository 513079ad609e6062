{#- Text to DATE for the renderings a POS export uses; NULL when the text is not a real
    date (2024-02-30 is invalid, not shifted to March).
      2024-03-05 | 3/5/2024, 03/05/2024 (US: month first) | 3/5/24 | 05-Mar-24
      | March 5, 2024 (or Mar 5, 2024) | 03-05-2024 (US: month first)
    Two-digit years pivot at 50: 00-49 -> 2000-2049, 50-99 -> 1950-1999.
    Any of them may carry a time of day (see parse_timestamp): `12/1/10 8:26`,
    `2010-12-01T08:26:00Z`, `01-Dec-10 8:26 AM`; the date is the one as written (the
    offset, if any, does not move it). A time that is not a real time (`25:00`, `8:61`,
    `13:00 PM`) makes the whole value invalid.
    It is a DuckDB macro (duckdb_functions): the SQL below is written once, in the
    function the on-run-start hook creates, and a model's SQL calls it. -#}
{% macro parse_date(expression) -%}
    {{- duckdb_function('parse_date', expression) -}}
{%- endmacro %}

{#- The body of the DuckDB function parse_date, for the argument `expression`. -#}
{% macro _parse_date_sql(expression) -%}
    {%- set v = trim_whitespace(expression) -%}
    case
        when not contains({{ v }}, ':')
            then {{ _parse_date_text(v) }}
        when {{ parse_timestamp(expression) }} is not null
            then {{ _parse_date_text(_datetime_part(v, 1)) }}
    end
{%- endmacro %}
