{% macro bronze_is_incremental_model() %}
    {#- the model being built is an incremental bronze model (reads by file plan) -#}
    {{ return(execute and model is defined and model.config is defined
        and model.config.get('materialized') == 'incremental' and model.name.startswith('brz_')) }}
{% endmacro %}
