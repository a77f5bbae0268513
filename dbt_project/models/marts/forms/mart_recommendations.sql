-- Municipalities each recommendation rule selects in a cycle (the groups of the regional letter),
-- with the share that selected them. The evidence items are in mart_recommendation_evidence.
with rules as (
    select * from {{ ref('recommendation_rules') }}
)

select
    scores.monitoring_id,
    rules.rule_code,
    rules.rule_order,
    rules.area_title,
    rules.wording,
    scores.municipality_oktmo,
    m.municipality_name,
    scores.evidence_share,
    scores.region_mean_share,
    rules.selection,
    rules.threshold
from {{ ref('int_rule_scores') }} as scores
inner join rules
    on scores.rule_code = rules.rule_code
inner join {{ ref('dim_municipality') }} as m
    on scores.municipality_oktmo = m.municipality_oktmo
where (rules.selection = 'share_below' and scores.evidence_share < rules.threshold)
   or (rules.selection = 'below_region_mean' and scores.evidence_share < scores.region_mean_share - rules.threshold)
