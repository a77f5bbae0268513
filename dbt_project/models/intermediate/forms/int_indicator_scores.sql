-- Each indicator's score per municipality and cycle: the mean over units scored of the sum of its
-- sub-items, against the maximum taken from the number of sub-items (scoring: macros/form_scores.sql).
with unit_scores as (
    select * from {{ ref('int_unit_indicator_scores') }}
),

indicators as (
    select * from {{ ref('int_form_indicators') }}
),

municipalities as (
    select * from {{ ref('int_current_municipalities') }}
),

scored as (
    {{ indicator_scores('unit_scores', carry=['is_demo']) }}
)

select
    scored.monitoring_id,
    scored.municipality_oktmo,
    municipalities.municipality_name,
    scored.form_id,
    indicators.section_code,
    indicators.section_order,
    indicators.section_title,
    indicators.indicator_code,
    indicators.indicator_display_code,
    indicators.indicator_number,
    indicators.indicator_label,
    indicators.indicator_kind,
    scored.units_scored,
    scored.score,
    indicators.max_score,
    case when indicators.max_score > 0 then scored.score / indicators.max_score end as share_of_max,
    scored.source_sha256,
    scored.is_demo
from scored
inner join indicators
    on scored.form_id = indicators.form_id
    and scored.indicator_code = indicators.indicator_code
inner join municipalities
    on scored.municipality_oktmo = municipalities.municipality_oktmo
