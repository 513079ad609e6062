{#- Part of parse_timestamp: a date, then a time of day. Groups: 1 date, 2 hour,
    3 minute, 4 second, 5 fraction of a second, 6 A/P of AM/PM, 7 zone. -#}
{% macro _datetime_pattern() -%}
    ^(.+?)[T ]\s*(\d{1,2}):(\d{2})(?::(\d{2})(?:[.,](\d{1,9}))?)?(?:\s*([AaPp])\.?[Mm]\.?)?(?:\s*(Z|z|UTC|GMT|[+-]\d{2}(?::?\d{2})?))?$
{%- endmacro %}
