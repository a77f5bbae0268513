-- Per rule, municipality and cycle: the mean share of the rule's evidence items, beside the region's mean.
with by_municipality as (
    select
        rule_code,
        monitoring_id,
        municipality_oktmo,
        avg(item_share) as evidence_share,
        count(*) as evidence_items
    from {{ ref('int_rule_evidence') }}
    group by rule_code, monitoring_id, municipality_oktmo
),

region as (
    select rule_code, monitoring_id, avg(evidence_share) as region_mean_share
    from by_municipality
    group by rule_code, monitoring_id
)

select
    m.rule_code,
    m.monitoring_id,
    m.municipality_oktmo,
    m.evidence_share,
    m.evidence_items,
    region.region_mean_share
from by_municipality as m
inner join region
    on m.rule_code = region.rule_code
    and m.monitoring_id = region.monitoring_id
