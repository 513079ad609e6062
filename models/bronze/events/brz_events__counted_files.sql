-- depends_on: {{ ref('brz_landing__files') }}
{{ config(materialized='incremental') }}

{#- one row per landed events file, with our own count of its records; the rejects model scans
    exactly these files and bronze stops on any other -#}
{{ counted_files_query('events') }}
