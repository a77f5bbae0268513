-- The other side of each weakness area of the letter (items 3–8): municipalities at or above the strong line
-- (letter_strong_line) in the area's evidence — the pool a methodologist looks in for practices by area. The
-- letter's own practice item (9) picks fields and caps the list: see mart_recommendation.
with thresholds as (
    {{ letter_thresholds() }}
),

practices as (
    select
        scores.monitoring_id,
        rules.rule_code,
        rules.rule_order,
        rules.title as area_title,
        scores.municipality_oktmo,
        m.municipality_name,
        scores.rule_value as evidence_share,
        strong.threshold_value as strong_line
    from {{ ref('int_rule_scores') }} as scores
    inner join {{ ref('recommendation_rules') }} as rules
        on scores.rule_code = rules.rule_code
    inner join thresholds as strong
        on strong.threshold_name = 'letter_strong_line'
    inner join {{ ref('int_current_municipalities') }} as m
        on scores.municipality_oktmo = m.municipality_oktmo
    where rules.rule_kind = 'threshold'
      and rules.scope = 'municipality'
      and rules.comparison = 'below'
      and rules.item_number between 3 and 8
      and scores.value_unit = 'share'
      and scores.rule_value >= strong.threshold_value
)

{{ with_monitoring_window('practices') }}
