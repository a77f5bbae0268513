-- For practice rules (item 9 of the letter): where each municipality is strongest, in the form's own words.
-- Over the rule's evidence sub-items, a municipality is strong in a sub-item when its share is at or above the
-- rule's threshold (the strong line) and above the region's mean share of that sub-item; its advantage is the
-- difference. The practice score is the sum of its advantages (rare practices weigh more than common ones); the
-- fields named «в части» are its letter_practice_fields largest advantages (form order breaks ties). The score is
-- rounded to 1e-9 (stable_round) so equal practices tie on every engine, and the rule's ordering decides.
with rules as (
    select * from {{ ref('recommendation_rules') }} where rule_kind = 'practice'
),

thresholds as (
    {{ letter_thresholds() }}
),

items as (
    select evidence.*
    from {{ ref('int_rule_evidence') }} as evidence
    inner join rules
        on evidence.rule_code = rules.rule_code
    where evidence.metric = 'item_share'
),

region as (
    select rule_code, monitoring_id, indicator_code, item_number, avg(item_share) as region_share
    from items
    group by rule_code, monitoring_id, indicator_code, item_number
),

labels as (
    select
        form_id,
        indicator_code,
        item_number,
        section_order,
        indicator_number,
        coalesce(nullif(item_label, ''), indicator_label) as field_label
    from {{ ref('stg_form_items') }}
),

strong as (
    select
        items.rule_code,
        items.monitoring_id,
        items.municipality_oktmo,
        items.indicator_code,
        items.item_number,
        labels.field_label,
        items.item_share,
        region.region_share,
        {{ stable_round('items.item_share - region.region_share') }} as advantage,
        row_number() over (
            partition by items.rule_code, items.monitoring_id, items.municipality_oktmo
            order by {{ stable_round('items.item_share - region.region_share') }} desc, labels.section_order,
                     labels.indicator_number,
                     items.item_number
        ) as field_rank
    from items
    inner join rules
        on items.rule_code = rules.rule_code
    inner join thresholds
        on rules.threshold = thresholds.threshold_name
    inner join region
        on items.rule_code = region.rule_code
       and items.monitoring_id = region.monitoring_id
       and items.indicator_code = region.indicator_code
       and items.item_number = region.item_number
    inner join labels
        on items.form_id = labels.form_id
       and items.indicator_code = labels.indicator_code
       and items.item_number = labels.item_number
    where items.item_share >= thresholds.threshold_value
      and items.item_share > region.region_share
)

select
    rule_code,
    monitoring_id,
    municipality_oktmo,
    indicator_code,
    item_number,
    field_label,
    item_share,
    region_share,
    advantage,
    field_rank,
    field_rank <= {{ letter_threshold('letter_practice_fields') }} as is_named,
    {{ stable_round('sum(advantage) over (partition by rule_code, monitoring_id, municipality_oktmo)') }} as practice_score
from strong
