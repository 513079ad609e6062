{#- SQL (text) of two statements of a plan of `rebuild_by_extraction` or `rebuild_by_landed_file`:
    the temp table aethermart_parent_states with the parents' keys now, and
    aethermart_changed_parents with the (parent, key) whose usability differs from the one
    recorded in `states` (a key new, gone or changed). -#}
{% macro _changed_parents_sql(spec, states) %}
    {{ return("create or replace temp table aethermart_parent_states as " ~ _rebuild_by_extraction_parent_states(spec)
        ~ ";\ncreate or replace temp table aethermart_changed_parents as"
        ~ " select coalesce(now.parent, was.parent) as parent, coalesce(now.key, was.key) as key"
        ~ " from aethermart_parent_states as now full outer join " ~ states ~ " as was"
        ~ " on now.parent = was.parent and now.key = was.key where now.is_usable is distinct from was.is_usable") }}
{% endmacro %}
