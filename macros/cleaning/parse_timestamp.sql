{#- Text with a date and a time of day to TIMESTAMP WITH TIME ZONE (UTC); NULL when the
    text has no time of day (a date alone) or is not a real date and time.
    The date is any rendering parse_date reads; the time follows after `T` or spaces:
      H:MM | HH:MM:SS | HH:MM:SS.fff (up to 9 digits, kept to microseconds)
      | any of them with AM/PM (`8:26 AM`, `8:26 p.m.`)
      | any of them with a zone: Z, UTC, GMT, +05, +0530, -05:30 (converted to UTC)
    A time without a zone is taken as UTC.
    It is a DuckDB macro (duckdb_functions): the SQL below is written once, in the
    function the on-run-start hook creates, and a model's SQL calls it. -#}
{% macro parse_timestamp(expression) -%}
    {{- duckdb_function('parse_timestamp', expression) -}}
{%- endmacro %}

{#- The body of the DuckDB function parse_timestamp, for the argument `expression`. -#}
{% macro _parse_timestamp_sql(expression) -%}
    {%- set v = trim_whitespace(expression) -%}
    {%- set zone = _datetime_part(v, 7) -%}
    case
        when regexp_full_match({{ v }}, '{{ _datetime_pattern() }}')
            then try_cast(
                cast({{ _parse_date_text(_datetime_part(v, 1)) }} as {{ dbt.type_string() }})
                || ' ' || {{ _hour24(_datetime_part(v, 2), _datetime_part(v, 6)) }}
                || ':' || {{ _datetime_part(v, 3) }}
                || ':' || coalesce(nullif({{ _datetime_part(v, 4) }}, ''), '00')
                || coalesce('.' || left(nullif({{ _datetime_part(v, 5) }}, ''), 6), '')
                || case when upper({{ zone }}) in ('', 'Z', 'UTC', 'GMT') then '+00' else {{ zone }} end
                as timestamptz
            )
    end
{%- endmacro %}
