-- Municipalities whose practice in an area is recommended to others: at or above the rule's
-- practice share in that area.
select
    scores.monitoring_id,
    rules.rule_code,
    rules.rule_order,
    rules.area_title,
    scores.municipality_oktmo,
    m.municipality_name,
    scores.evidence_share
from {{ ref('int_rule_scores') }} as scores
inner join {{ ref('recommendation_rules') }} as rules
    on scores.rule_code = rules.rule_code
inner join {{ ref('dim_municipality') }} as m
    on scores.municipality_oktmo = m.municipality_oktmo
where scores.evidence_share >= rules.practice_min_share
