-- Per rule, municipality and cycle: the rule's condition judged on its evidence (int_rule_evidence) against the
-- named threshold of the rule (recommendation_rules.threshold → mart_letter_thresholds, dbt vars). Each evidence
-- subject (a section, an indicator, a sub-item, a list) is compared with the threshold; the rule's combine says
-- how subjects make the condition: mean — the mean over all evidence values (item-weighted, as a section's share
-- of its maximum) is compared; each — every subject must pass; at_least — at least min_subjects subjects pass.
-- rule_value is that mean (for at_least, the number of subjects passing); evidence spells each subject's value.
with rules as (
    select * from {{ ref('recommendation_rules') }}
),

thresholds as (
    {{ letter_thresholds() }}
),

subjects as (
    select
        rule_code,
        monitoring_id,
        municipality_oktmo,
        subject_key,
        min(why) as why,
        min(metric) as metric,
        min(list_code) as list_code,
        min(value_unit) as value_unit,
        avg(value) as subject_value,
        sum(value) as value_sum,
        count(value) as values_counted,
        sum(reported_value) as reported_value,
        sum(reference_value) as reference_value,
        min(evidence_order) as evidence_order
    from {{ ref('int_rule_evidence') }}
    group by rule_code, monitoring_id, municipality_oktmo, subject_key
),

judged as (
    select
        subjects.*,
        rules.combine,
        rules.comparison,
        rules.threshold as threshold_name,
        thresholds.threshold_value,
        thresholds.threshold_unit,
        minimum.threshold_value as min_subjects,
        case rules.comparison
            when 'below' then subjects.subject_value < thresholds.threshold_value
            when 'at_or_above' then subjects.subject_value >= thresholds.threshold_value
            when 'at_most' then subjects.subject_value <= thresholds.threshold_value
            when 'above' then subjects.subject_value > thresholds.threshold_value
        end as subject_meets,
        subjects.why || ' — ' || case
            when subjects.metric = 'count_coverage'
                then cast(cast(subjects.reported_value as integer) as varchar) || ' из '
                     || cast(cast(subjects.reference_value as integer) as varchar) || ' ШНОР'
            else coalesce({{ value_text('subjects.subject_value', 'subjects.value_unit') }}, 'нет данных')
        end as subject_text
    from subjects
    inner join rules
        on subjects.rule_code = rules.rule_code
    inner join thresholds
        on rules.threshold = thresholds.threshold_name
    left join thresholds as minimum
        on rules.min_subjects = minimum.threshold_name
),

combined as (
    select
        rule_code,
        monitoring_id,
        municipality_oktmo,
        min(combine) as combine,
        min(comparison) as comparison,
        min(threshold_name) as threshold_name,
        min(threshold_value) as threshold_value,
        min(threshold_unit) as threshold_unit,
        min(min_subjects) as min_subjects,
        min(value_unit) as value_unit,
        min(list_code) as list_code,
        count(*) as subjects,
        sum(case when subject_meets then 1 else 0 end) as subjects_meeting,
        sum(value_sum) / nullif(sum(values_counted), 0) as mean_value,
        string_agg(subject_text, '; ' order by evidence_order, subject_key) as evidence,
        string_agg(why, '; ' order by evidence_order, subject_key) as evidence_subjects
    from judged
    group by rule_code, monitoring_id, municipality_oktmo
),

decided as (
    select
        combined.*,
        case when combine = 'at_least' then cast(subjects_meeting as double precision) else mean_value end as rule_value,
        case when combine = 'at_least' then 'count' else value_unit end as rule_value_unit,
        case combine
            when 'mean' then case comparison
                when 'below' then mean_value < threshold_value
                when 'at_or_above' then mean_value >= threshold_value
                when 'at_most' then mean_value <= threshold_value
                when 'above' then mean_value > threshold_value
            end
            when 'each' then subjects_meeting = subjects
            when 'at_least' then subjects_meeting >= min_subjects
        end as meets_condition
    from combined
)

select
    decided.rule_code,
    decided.monitoring_id,
    decided.municipality_oktmo,
    decided.combine,
    decided.comparison,
    decided.threshold_name,
    decided.threshold_value,
    decided.threshold_unit,
    decided.min_subjects,
    decided.list_code,
    decided.subjects,
    decided.subjects_meeting,
    decided.rule_value,
    decided.rule_value_unit as value_unit,
    coalesce(decided.meets_condition, false) as meets_condition,
    decided.evidence,
    decided.evidence_subjects,
    avg(decided.rule_value) over (partition by decided.rule_code, decided.monitoring_id) as region_mean_value
from decided
