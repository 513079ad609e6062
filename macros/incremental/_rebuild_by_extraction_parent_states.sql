{#- SQL (text) of the parents' keys as a model with `rebuild_by_extraction` knows them: one
    row per parent and key (text) with whether any of the key's rows reached silver. -#}
{% macro _rebuild_by_extraction_parent_states(spec) %}
    {%- set selects = ["select cast(null as varchar) as parent, cast(null as varchar) as key, cast(null as boolean) as is_usable where false"] -%}
    {%- for unique_id, column in spec.parents.items() | sort -%}
        {%- set quoted = adapter.quote(column) -%}
        {%- do selects.append("select " ~ sql_string(unique_id) ~ ", cast(" ~ quoted ~ " as varchar), bool_or(outcome = 'silver') from "
            ~ spec.reads[unique_id] ~ " where " ~ quoted ~ " is not null group by " ~ quoted) -%}
    {%- endfor -%}
    {{ return(selects | join(" union all ")) }}
{% endmacro %}
