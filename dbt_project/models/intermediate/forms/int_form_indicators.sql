-- One row per indicator of each form. The maximum of a presence indicator is the number of its
-- 0/1 sub-items, never the form's printed "от 0 до N" label (seed 004 prints "от 0 до 2" for МНЦ-3,
-- which has 3 sub-items). Count indicators have no maximum.
select
    form_id,
    section_code,
    min(section_order) as section_order,
    min(section_title) as section_title,
    indicator_code,
    indicator_number,
    min(indicator_label) as indicator_label,
    min(indicator_kind) as indicator_kind,
    count(*) as item_count,
    case when min(indicator_kind) = 'presence' then count(*) end as max_score
from {{ ref('stg_form_items') }}
group by form_id, section_code, indicator_code, indicator_number
