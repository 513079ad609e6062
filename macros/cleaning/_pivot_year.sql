{% macro _pivot_year(two_digits) -%}
    (case when cast({{ two_digits }} as integer) < 50 then 2000 else 1900 end
        + cast({{ two_digits }} as integer))
{%- endmacro %}
