{#- Text to DATE for the renderings a POS export uses; NULL when the text is not a real
    date (2024-02-30 is invalid, not shifted to March).
      2024-03-05 | 3/5/2024, 03/05/2024 (US: month first) | 3/5/24 | 05-Mar-24
      | March 5, 2024 (or Mar 5, 2024) | 03-05-2024 (US: month first)
    Two-digit years pivot at 50: 00-49 -> 2000-2049, 50-99 -> 1950-1999.
    Any of them may carry a time of day (see parse_timestamp): `12/1/10 8:26`,
    `2010-12-01T08:26:00Z`, `01-Dec-10 8:26 AM`; the date is the one as written (the
    offset, if any, does not move it). A time that is not a real time (`25:00`, `8:61`,
    `13:00 PM`) makes the whole value invalid. -#}
{% macro parse_date(expression) -%}
    {%- set v = trim_whitespace(expression) -%}
    case
        when not contains({{ v }}, ':')
            then {{ _parse_date_text(v) }}
        when {{ parse_timestamp(expression) }} is not null
            then {{ _parse_date_text(_datetime_part(v, 1)) }}
    end
{%- endmacro %}


{#- Text with a date and a time of day to TIMESTAMP WITH TIME ZONE (UTC); NULL when the
    text has no time of day (a date alone) or is not a real date and time.
    The date is any rendering parse_date reads; the time follows after `T` or spaces:
      H:MM | HH:MM:SS | HH:MM:SS.fff (up to 9 digits, kept to microseconds)
      | any of them with AM/PM (`8:26 AM`, `8:26 p.m.`)
      | any of them with a zone: Z, UTC, GMT, +05, +0530, -05:30 (converted to UTC)
    A time without a zone is taken as UTC. -#}
{% macro parse_timestamp(expression) -%}
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


{#- Part of parse_timestamp: a date, then a time of day. Groups: 1 date, 2 hour,
    3 minute, 4 second, 5 fraction of a second, 6 A/P of AM/PM, 7 zone. -#}
{% macro _datetime_pattern() -%}
    ^(.+?)[T ]\s*(\d{1,2}):(\d{2})(?::(\d{2})(?:[.,](\d{1,9}))?)?(?:\s*([AaPp])\.?[Mm]\.?)?(?:\s*(Z|z|UTC|GMT|[+-]\d{2}(?::?\d{2})?))?$
{%- endmacro %}


{% macro _datetime_part(text, group) -%}
    regexp_extract({{ text }}, '{{ _datetime_pattern() }}', {{ group }})
{%- endmacro %}


{#- Part of parse_timestamp: two-digit hour 00-23 from an hour and an optional A/P;
    NULL when the hour does not exist (24, 13 PM, 0 AM). -#}
{% macro _hour24(hour, am_pm) -%}
    lpad(cast(case
        when {{ am_pm }} = '' and cast({{ hour }} as integer) <= 23
            then cast({{ hour }} as integer)
        when upper({{ am_pm }}) = 'A' and cast({{ hour }} as integer) between 1 and 12
            then cast({{ hour }} as integer) % 12
        when upper({{ am_pm }}) = 'P' and cast({{ hour }} as integer) between 1 and 12
            then cast({{ hour }} as integer) % 12 + 12
    end as {{ dbt.type_string() }}), 2, '0')
{%- endmacro %}


{#- Part of parse_date: the date renderings themselves (no time of day), on trimmed text. -#}
{% macro _parse_date_text(v) -%}
    {%- set months = "['jan', 'feb', 'mar', 'apr', 'may', 'jun', 'jul', 'aug', 'sep', 'oct', 'nov', 'dec']" -%}
    case
        when regexp_full_match({{ v }}, '\d{4}-\d{1,2}-\d{1,2}')
            then try_cast({{ v }} as date)
        when regexp_full_match({{ v }}, '\d{1,2}[/-]\d{1,2}[/-]\d{4}')
            then {{ _ymd(
                "regexp_extract(" ~ v ~ ", '(\d+)[/-](\d+)[/-](\d+)', 3)",
                "regexp_extract(" ~ v ~ ", '(\d+)[/-](\d+)[/-](\d+)', 1)",
                "regexp_extract(" ~ v ~ ", '(\d+)[/-](\d+)[/-](\d+)', 2)") }}
        when regexp_full_match({{ v }}, '\d{1,2}/\d{1,2}/\d{2}')
            then {{ _ymd(
                _pivot_year("regexp_extract(" ~ v ~ ", '(\d+)/(\d+)/(\d+)', 3)"),
                "regexp_extract(" ~ v ~ ", '(\d+)/(\d+)/(\d+)', 1)",
                "regexp_extract(" ~ v ~ ", '(\d+)/(\d+)/(\d+)', 2)") }}
        when regexp_full_match({{ v }}, '\d{1,2}-[A-Za-z]{3}-\d{2}')
            then {{ _ymd(
                _pivot_year("regexp_extract(" ~ v ~ ", '-(\d+)$', 1)"),
                "list_position(" ~ months ~ ", lower(regexp_extract(" ~ v ~ ", '-([A-Za-z]{3})-', 1)))",
                "regexp_extract(" ~ v ~ ", '^(\d+)-', 1)") }}
        when regexp_full_match({{ v }}, '[A-Za-z]{3,9}\.? \d{1,2}, \d{4}')
            then {{ _ymd(
                "regexp_extract(" ~ v ~ ", '(\d{4})$', 1)",
                "list_position(" ~ months ~ ", lower(left(" ~ v ~ ", 3)))",
                "regexp_extract(" ~ v ~ ", ' (\d{1,2}),', 1)") }}
    end
{%- endmacro %}


{% macro _pivot_year(two_digits) -%}
    (case when cast({{ two_digits }} as integer) < 50 then 2000 else 1900 end
        + cast({{ two_digits }} as integer))
{%- endmacro %}


{#- A date from year, month, day expressions; NULL unless it is a real calendar date. -#}
{% macro _ymd(year, month, day) -%}
    try_cast(
        lpad(cast({{ year }} as varchar), 4, '0') || '-'
        || lpad(cast({{ month }} as varchar), 2, '0') || '-'
        || lpad(cast({{ day }} as varchar), 2, '0')
        as date
    )
{%- endmacro %}
