{#- Text to DATE for the renderings a POS export uses; NULL when the text is not a real
    date (2024-02-30 is invalid, not shifted to March).
      2024-03-05 | 3/5/2024, 03/05/2024 (US: month first) | 3/5/24 | 05-Mar-24
      | March 5, 2024 (or Mar 5, 2024) | 03-05-2024 (US: month first)
    Two-digit years pivot at 50: 00-49 -> 2000-2049, 50-99 -> 1950-1999. -#}
{% macro parse_date(expression) -%}
    {%- set v = "trim(" ~ expression ~ ")" -%}
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
