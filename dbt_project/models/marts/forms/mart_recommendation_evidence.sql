-- The sub-item values behind each selected recommendation: why a municipality is in a group.
select
    r.monitoring_id,
    r.rule_code,
    r.municipality_oktmo,
    e.indicator_code,
    e.item_number,
    e.item_share,
    e.why
from {{ ref('mart_recommendations') }} as r
inner join {{ ref('int_rule_evidence') }} as e
    on r.rule_code = e.rule_code
    and r.monitoring_id = e.monitoring_id
    and r.municipality_oktmo = e.municipality_oktmo
