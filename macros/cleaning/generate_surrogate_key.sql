{#- md5 of the given columns as text, NULLs kept apart from empty strings (like
    dbt_utils.generate_surrogate_key). -#}
{% macro generate_surrogate_key(columns) -%}
    {%- set parts = [] -%}
    {%- for column in columns -%}
        {%- do parts.append("coalesce(cast(" ~ column ~ " as " ~ dbt.type_string() ~ "), '_dbt_null_')") -%}
    {%- endfor -%}
    {{ dbt.hash(parts | join(" || '-' || ")) }}
{%- endmacro %}
