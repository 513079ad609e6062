{#- A checked model's raw row (the JSON the call block renders) with the landed text of the
    values that did not convert to their declared type added under `_unconvertible_values`;
    unchanged when every value converted:
        {% call with_unconvertible_values('orders._conversion_errors') %}
            to_json(struct_pack(...))
        {% endcall %} as _raw_row -#}
{% macro with_unconvertible_values(conversion_errors) -%}
    case
        when coalesce(len({{ conversion_errors }}), 0) = 0 then {{ caller() }}
        else json_merge_patch(
            {{ caller() }},
            json_object('_unconvertible_values', to_json({{ conversion_errors }}))
        )
    end
{%- endmacro %}
