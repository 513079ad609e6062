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
