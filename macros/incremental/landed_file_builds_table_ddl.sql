{% macro landed_file_builds_table_ddl() %}
    {#- ops.landed_file_builds: per table model with `rebuild_by_landed_file`, what its table was
        last built from (rebuild_by_landed_file_record); the digests of the files it read and
        its parents' keys are in the tables named by _landed_file_build_files and
        _landed_file_build_parents -#}
    {{ return("create schema if not exists ops;\n"
        ~ "create table if not exists ops.landed_file_builds (relation varchar not null, static_fingerprint varchar not null, "
        ~ "invocation_id varchar not null)") }}
{% endmacro %}

{% macro _landed_file_build_files(relation) %}
    {#- the ops table holding, per landed file, the digest of the input rows a model with
        `rebuild_by_landed_file` was last built from -#}
    {{ return(api.Relation.create(database=relation.database, schema='ops',
        identifier='landed_file_build_files__' ~ relation.schema ~ '__' ~ relation.identifier)) }}
{% endmacro %}

{% macro _landed_file_build_parents(relation) %}
    {#- the ops table holding the parents' keys a model with `rebuild_by_landed_file` was last built with -#}
    {{ return(api.Relation.create(database=relation.database, schema='ops',
        identifier='landed_file_build_parents__' ~ relation.schema ~ '__' ~ relation.identifier)) }}
{% endmacro %}

{% macro _landed_file_digests(spec) %}
    {#- SQL (text): one row per landed file of the bronze input, with a digest of its rows (count
        and the sum of the rows' hashes: every value, lineage included). A file that changed,
        was removed or newly landed changes its row. -#}
    {{ return("select _source_file as source_file, count(*) || ':' || coalesce(sum(hash(landed_rows)), 0) as digest from "
        ~ spec.reads[spec.input] ~ " as landed_rows group by _source_file") }}
{% endmacro %}
