-- Every reason a school is identified (or flagged) in a year, with the values behind it; the wording of
-- each rule is data (identification_rules seed), the values come from the rule models.
with identified as (
    select * from {{ ref('int_school_context_clusters') }}
),

reasons as (
    select school_code, result_year, 'lowest_ior' as rule_code,
           'ИОР ' || {{ number_text('ior') }} || ' (доля «2» по ВПР ' || {{ percent_text('mean_low_result_share') }}
           || ' %, средняя отметка ' || {{ number_text('mean_result') }} || '): место ' || cast(ior_cluster_rank as varchar)
           || ' из ' || cast(ior_cluster_size as varchar) || ' в кластере «' || cluster_name || '»' as reason_detail
    from identified
    where is_lowest_ior
    union all
    select school_code, result_year, 'risk_several_procedures',
           'Не менее ' || {{ percent_text(methodology_parameter('risk_low_share')) }} || ' % участников с низкими результатами в '
           || cast(low_procedures as varchar) || ' процедурах: ' || low_procedures_detail
    from {{ ref('int_school_risk_rule') }}
    where meets_several_procedures
    union all
    select school_code, result_year, 'risk_repeated_procedure',
           'Та же процедура два года подряд: ' || repeated_procedures_detail
    from {{ ref('int_school_risk_rule') }}
    where meets_repeated_procedure
    union all
    select school_code, list_year, 'biased_results',
           'В списке ФИОКО школ с признаками необъективных результатов за ' || cast(list_year as varchar) || ' год'
    from {{ ref('int_school_list_membership') }}
    where is_biased_results
)

select
    reasons.school_code,
    reasons.result_year,
    reasons.rule_code,
    rules.rule_name,
    rules.identifies_shnor,
    reasons.reason_detail
from reasons
inner join {{ ref('identification_rules') }} as rules
    on reasons.rule_code = rules.rule_code
