{#- The kept path of the materializations: hooks run as in a build (they may report on the
    table, e.g. audit_set_aside's warnings), the table is not touched; dbt's result is the
    `main` statement of model_fingerprint. -#}
{% macro model_fingerprint_keep(target_relation) %}
    {{ log(model.name ~ ": unchanged inputs: kept", info=true) }}
    {{ run_hooks(pre_hooks, inside_transaction=False) }}
    {{ run_hooks(pre_hooks, inside_transaction=True) }}
    {{ run_hooks(post_hooks, inside_transaction=True) }}
    {{ adapter.commit() }}
    {{ run_hooks(post_hooks, inside_transaction=False) }}
    {{ return({'relations': [target_relation]}) }}
{% endmacro %}
