-- The values behind each municipality a rule names or judges (mart_recommendation): the form's sub-items with
-- their shares, the count compared with a list, or the schools on a list — why a municipality is in a group.
with evidence as (
    select
        r.monitoring_id,
        r.rule_code,
        r.municipality_oktmo,
        e.metric,
        e.subject_key,
        e.section_code,
        e.indicator_code,
        e.item_number,
        e.list_code,
        e.value,
        e.reported_value,
        e.reference_value,
        e.item_share,
        e.why
    from {{ ref('mart_recommendation') }} as r
    inner join {{ ref('int_rule_evidence') }} as e
        on r.rule_code = e.rule_code
        and r.monitoring_id = e.monitoring_id
        and r.municipality_oktmo = e.municipality_oktmo
)

{{ with_monitoring_window('evidence') }}
