{% macro csv_rejected_lines(from_cte) %}
{#- One query, which the rejects model names (`rejected_lines as (...)`): the errors of
    `from_cte` (csv_rejects_query's rows) grouped to one row per rejected line. -#}
{%- if not from_cte -%}
    {{ exceptions.raise_compiler_error('csv_rejected_lines: from_cte must name the CTE or relation to read') }}
{%- endif %}
select
    source_system,
    entity,
    file_path,
    line,
    string_agg(distinct error_type, ', ' order by error_type) as error_types,
    min(error_message) as error_message,
    min(csv_line) as csv_line,
    min(line_byte_position) as line_byte_position,
    min(quote_character) as quote_character,
    min(delimiter) as delimiter,
    min(column_count) as column_count
from {{ from_cte }}
group by source_system, entity, file_path, line
{% endmacro %}
