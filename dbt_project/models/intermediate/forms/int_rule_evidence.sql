-- The sub-item values each recommendation rule looks at, per municipality and cycle.
select
    e.rule_code,
    s.monitoring_id,
    s.municipality_oktmo,
    s.indicator_code,
    s.item_number,
    s.item_share,
    e.why
from {{ ref('recommendation_evidence') }} as e
inner join {{ ref('int_item_shares') }} as s
    on s.form_id = e.form_id
    and s.indicator_code = e.indicator_code
    and (e.item_number is null or s.item_number = e.item_number)
