{% macro _plausible_date_var(name, default) -%}
    {%- set value = var(name, default) | string -%}
    {%- if not modules.re.fullmatch('\d{4}-\d{2}-\d{2}', value) -%}
        {{ exceptions.raise_compiler_error(
            "var " ~ name ~ " must be a date as YYYY-MM-DD, got '" ~ value ~ "'") }}
    {%- endif -%}
    {{ return(value) }}
{%- endmacro %}
