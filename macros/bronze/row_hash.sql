{#- md5 of a row's values as landed. NULL and '' hash differently, and no separator can
    collide with the data, because the values are hashed as a JSON list of strings. -#}
{% macro row_hash(columns) -%}
    {%- set casts = [] -%}
    {%- for column in columns -%}
        {%- do casts.append("cast(" ~ column ~ " as " ~ dbt.type_string() ~ ")") -%}
    {%- endfor -%}
    {{ dbt.hash("to_json([" ~ casts | join(", ") ~ "])") }}
{%- endmacro %}
