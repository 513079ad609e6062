{#- The rules every `__checked` model keeps (silver's every row with its outcome: kept, set aside
    and why), as one test: one node and one read of the table where five generic tests were
    (per-node work, not SQL, is most of a rebuild with nothing new: docs/benchmarks.md). Fails
    with one row per table row and rule it breaks (the row's key, `broken_rule`, `occurrences`,
    which is 1 but for a repeated key; each copy of a repeated key reports its own rules):
    - row_key_repeated: one row per key that occurs more than once, `occurrences` how often;
    - outcome_unknown: outcome NULL or not silver, quarantined, duplicate or superseded;
    - reasons_disagree_with_outcome: quarantine reasons on a row that is not quarantined, or a
      quarantined row without any (a superseded row may keep its reasons);
    - raw_row_disagrees_with_outcome: the raw row kept on a row that is not quarantined, or
      missing on a quarantined one.
    A rule that cannot be decided (NULL) counts as broken, as in expression_is_true. -#}
{% test checked_rows(model, row_key=['_source_file', '_source_row_number']) %}
{%- set key = row_key | join(', ') %}

with checked as (

    select {{ key }}, outcome, quarantine_reasons, raw_row
    from {{ model }}

),

repeated as (

    select {{ key }}, 'row_key_repeated' as broken_rule, count(*) as occurrences
    from checked
    group by {{ key }}
    having count(*) > 1

),

rules as (

    select
        {{ key }},
        unnest([
            case when outcome is null or outcome not in ('silver', 'quarantined', 'duplicate', 'superseded')
                then 'outcome_unknown' end,
            case when not coalesce((outcome = 'quarantined') = (len(quarantine_reasons) > 0) or outcome = 'superseded', false)
                then 'reasons_disagree_with_outcome' end,
            case when not coalesce((outcome = 'quarantined') = (raw_row is not null), false)
                then 'raw_row_disagrees_with_outcome' end
        ]) as broken_rule,
        1 as occurrences
    from checked

)

select * from repeated
union all
select * from rules where broken_rule is not null

{% endtest %}
