{#- The plausibility window of source dates, decided once per run: a (first, last) pair
    of ISO date strings, both inclusive.
      kind 'event' (orders, shipments, registrations, reviews, clickstream):
        var `plausible_date_min` (default 1990-01-01) to var `plausible_date_max` when set,
        else the build date plus var `plausible_date_max_years_ahead` years (default 1).
      kind 'birth' (birth dates): var `plausible_birth_date_min` (default 1901-01-01) to
        the build date (nobody is born in the future).
    "No date" sentinels (9999-12-31, 1900-01-01, 0001-01-01) fall outside both. -#}
{% macro plausible_date_window(kind='event') -%}
    {%- set build_date = run_started_at.date() -%}
    {%- if kind == 'event' -%}
        {%- set first = _plausible_date_var('plausible_date_min', '1990-01-01') -%}
        {%- if var('plausible_date_max', none) is not none -%}
            {%- set last = _plausible_date_var('plausible_date_max', none) -%}
        {%- else -%}
            {%- set years = var('plausible_date_max_years_ahead', 1) -%}
            {%- if years is not number or years < 0 -%}
                {{ exceptions.raise_compiler_error(
                    "var plausible_date_max_years_ahead must be a whole number of years >= 0, got "
                    ~ years) }}
            {%- endif -%}
            {%- set day = 28 if (build_date.month == 2 and build_date.day == 29) else build_date.day -%}
            {%- set last = build_date.replace(year=build_date.year + (years | int), day=day).isoformat() -%}
        {%- endif -%}
    {%- elif kind == 'birth' -%}
        {%- set first = _plausible_date_var('plausible_birth_date_min', '1901-01-01') -%}
        {%- set last = build_date.isoformat() -%}
    {%- else -%}
        {{ exceptions.raise_compiler_error(
            "plausible_date_window: kind must be 'event' or 'birth', got '" ~ kind ~ "'") }}
    {%- endif -%}
    {%- if first > last -%}
        {{ exceptions.raise_compiler_error(
            "plausible date window (" ~ kind ~ ") is empty: " ~ first ~ " is after " ~ last) }}
    {%- endif -%}
    {{ return((first, last)) }}
{%- endmacro %}
