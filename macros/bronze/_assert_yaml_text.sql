{% macro _assert_yaml_text(where, what, value, example) %}
    {#- a header or column name in meta must be text: YAML reads unquoted No/Yes/On/Off/
        true/false as booleans, 1 or 1.5 as numbers and ~/null as null -#}
    {%- if value is not string -%}
        {%- set kind = 'null' if value is none else ('a boolean' if (value is sameas true or value is sameas false) else 'a number') -%}
        {{ exceptions.raise_compiler_error(
            where ~ ": meta." ~ what ~ " " ~ escaped_excerpt(value | string, 60) ~ " is " ~ kind ~ ", not text "
            ~ "(YAML reads unquoted No/Yes/On/Off/true/false, numbers and null so); quote every header "
            ~ "and column name as written in the file, e.g. `" ~ example ~ "`.") }}
    {%- endif -%}
{% endmacro %}
