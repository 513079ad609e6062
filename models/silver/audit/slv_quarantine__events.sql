{#- Every clickstream line held back from silver (malformed JSON, no event id, no
    timestamp, conflicting copies), with the line as landed. -#}
{{ quarantine_rows('events', 'slv_events__checked') }}
