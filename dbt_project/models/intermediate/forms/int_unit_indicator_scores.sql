-- Score of each indicator for each unit scored (the municipality as a whole, or one ШНОР / mentor
-- where the form has a column per unit): the sum of its sub-items. Items marked "*" count as 0.
select
    v.monitoring_id,
    v.form_id,
    v.municipality_oktmo,
    v.section_code,
    v.indicator_code,
    v.indicator_number,
    v.unit_label,
    v.source_sha256,
    c.is_demo,
    sum(coalesce(v.item_value, 0)) as unit_score,
    count(v.item_value) as items_answered
from {{ ref('stg_submission_values') }} as v
inner join {{ ref('int_current_submissions') }} as c
    on v.source_sha256 = c.source_sha256
group by
    v.monitoring_id, v.form_id, v.municipality_oktmo, v.section_code, v.indicator_code,
    v.indicator_number, v.unit_label, v.source_sha256, c.is_demo
