-- Each 0/1 sub-item's share per municipality and cycle: the mean over units scored (1 or 0 where
-- the municipality is the only unit). Recommendation rules read these.
select
    v.monitoring_id,
    v.form_id,
    v.municipality_oktmo,
    v.section_code,
    v.indicator_code,
    v.item_number,
    count(*) as units_scored,
    avg(coalesce(v.item_value, 0)) as item_share
from {{ ref('stg_submission_values') }} as v
inner join {{ ref('int_current_submissions') }} as c
    on v.source_sha256 = c.source_sha256
where v.indicator_kind = 'presence'
group by v.monitoring_id, v.form_id, v.municipality_oktmo, v.section_code, v.indicator_code, v.item_number
