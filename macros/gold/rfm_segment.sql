{#- The customer segment from RFM scores (1-5 each, NULL for a customer without orders).
    First matching rule wins; the rules are the docs block `rfm_segmentation`. -#}
{% macro rfm_segment(recency_score, frequency_score, monetary_score) -%}
    case
        when {{ recency_score }} is null then 'prospect'
        when {{ recency_score }} >= 4 and {{ frequency_score }} >= 4 and {{ monetary_score }} >= 4 then 'champion'
        when {{ frequency_score }} >= 4 then 'loyal'
        when {{ recency_score }} >= 4 and {{ frequency_score }} <= 2 then 'new'
        when {{ recency_score }} <= 2 and {{ frequency_score }} >= 3 then 'at_risk'
        when {{ recency_score }} <= 2 then 'hibernating'
        else 'regular'
    end
{%- endmacro %}
