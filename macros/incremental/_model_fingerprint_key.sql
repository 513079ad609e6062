{% macro _model_fingerprint_key(relation) %}
    {{ return((relation.schema ~ '.' ~ relation.identifier) | lower) }}
{% endmacro %}
