{% macro extraction_builds_table_ddl() %}
    {#- ops.extraction_builds: per table model with `rebuild_by_extraction`, what its table was
        last built from (rebuild_by_extraction_record); its parents' keys are in the table
        named by _rebuild_by_extraction_states -#}
    {{ return("create schema if not exists ops;\n"
        ~ "create table if not exists ops.extraction_builds (relation varchar not null, static_fingerprint varchar not null, "
        ~ "latest_snapshot varchar not null, last_extraction varchar not null, history varchar not null, "
        ~ "invocation_id varchar not null)") }}
{% endmacro %}

{% macro _rebuild_by_extraction_states(relation) %}
    {#- the ops table holding the parents' keys a model with `rebuild_by_extraction` was last built with -#}
    {{ return(api.Relation.create(database=relation.database, schema='ops',
        identifier='extraction_build_parents__' ~ relation.schema ~ '__' ~ relation.identifier)) }}
{% endmacro %}
