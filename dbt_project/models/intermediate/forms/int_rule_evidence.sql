-- The values each recommendation rule looks at, per municipality and cycle: one row per evidence subject of
-- seed recommendation_evidence (and, for form sub-items, per sub-item it selects):
--   item_share     — the share of a form's 0/1 sub-items: a whole section (section_code), an indicator
--                    (indicator_code) or one sub-item (item_number);
--   count_coverage — a count indicator of section 1 (e.g. ИП-11, ШНОР given targeted help) over the schools on
--                    the list seed count_list_checks compares it with, in the monitoring's school year (at most 1;
--                    empty when that list has no school of the municipality);
--   school_count   — how many of the municipality's schools are on a list (seed shnor_lists) that year, for every
--                    municipality of the monitoring's region, form or no form.
-- subject_key names the evidence row: a rule with several rows (sections МНЦ and МТКП) is judged per subject.
with positions as (
    -- where an evidence subject stands in its form, so a rule's evidence reads in the form's order
    select form_id, section_code, indicator_code, item_number, section_order * 10000 + indicator_number * 100 + item_number
        as form_position
    from {{ ref('stg_form_items') }}
),

evidence as (
    select
        evidence.*,
        coalesce(evidence.section_code, '') || '/' || coalesce(evidence.indicator_code, '') || '/'
            || coalesce(cast(evidence.item_number as varchar), '') || '/' || coalesce(evidence.list_code, '')
            as subject_key
    from {{ ref('recommendation_evidence') }} as evidence
),

items as (
    select
        evidence.rule_code,
        shares.monitoring_id,
        shares.municipality_oktmo,
        evidence.metric,
        evidence.form_id,
        evidence.subject_key,
        evidence.why,
        shares.section_code,
        shares.indicator_code,
        shares.item_number,
        cast(null as varchar) as list_code,
        shares.item_share as value,
        cast(null as double precision) as reported_value,
        cast(null as double precision) as reference_value,
        'share' as value_unit,
        positions.form_position as evidence_order
    from evidence
    inner join {{ ref('int_item_shares') }} as shares
        on shares.form_id = evidence.form_id
       and (evidence.section_code is null or shares.section_code = evidence.section_code)
       and (evidence.indicator_code is null or shares.indicator_code = evidence.indicator_code)
       and (evidence.item_number is null or shares.item_number = evidence.item_number)
    left join positions
        on shares.form_id = positions.form_id
       and shares.indicator_code = positions.indicator_code
       and shares.item_number = positions.item_number
    where evidence.metric = 'item_share'
),

coverage as (
    select
        evidence.rule_code,
        scores.monitoring_id,
        scores.municipality_oktmo,
        evidence.metric,
        evidence.form_id,
        evidence.subject_key,
        evidence.why,
        scores.section_code,
        scores.indicator_code,
        cast(null as integer) as item_number,
        checks.list_code,
        case
            when lists.schools > 0
                then least(cast(scores.score as double precision), cast(lists.schools as double precision)) / lists.schools
        end as value,
        cast(scores.score as double precision) as reported_value,
        cast(lists.schools as double precision) as reference_value,
        'share' as value_unit,
        positions.form_position as evidence_order
    from evidence
    inner join {{ ref('int_indicator_scores') }} as scores
        on scores.form_id = evidence.form_id
       and scores.indicator_code = evidence.indicator_code
    inner join {{ ref('count_list_checks') }} as checks
        on checks.form_id = evidence.form_id
       and checks.indicator_code = evidence.indicator_code
    inner join {{ ref('int_monitoring_school_year') }} as years
        on scores.monitoring_id = years.monitoring_id
    inner join {{ ref('int_municipality_school_lists') }} as lists
        on lists.municipality_oktmo = scores.municipality_oktmo
       and lists.school_year = years.school_year
       and lists.list_code = checks.list_code
    left join positions
        on scores.form_id = positions.form_id
       and scores.indicator_code = positions.indicator_code
       and positions.item_number = 1
    where evidence.metric = 'count_coverage'
),

school_counts as (
    select
        evidence.rule_code,
        expected.monitoring_id,
        expected.municipality_oktmo,
        evidence.metric,
        evidence.form_id,
        evidence.subject_key,
        evidence.why,
        cast(null as varchar) as section_code,
        cast(null as varchar) as indicator_code,
        cast(null as integer) as item_number,
        evidence.list_code,
        cast(lists.schools as double precision) as value,
        cast(lists.schools as double precision) as reported_value,
        cast(null as double precision) as reference_value,
        'count' as value_unit,
        0 as evidence_order
    from evidence
    cross join {{ ref('int_submission_status') }} as expected
    inner join {{ ref('int_monitoring_school_year') }} as years
        on expected.monitoring_id = years.monitoring_id
    inner join {{ ref('int_municipality_school_lists') }} as lists
        on lists.municipality_oktmo = expected.municipality_oktmo
       and lists.school_year = years.school_year
       and lists.list_code = evidence.list_code
    where evidence.metric = 'school_count'
)

select *, value as item_share from items
union all
select *, cast(null as double precision) as item_share from coverage
union all
select *, cast(null as double precision) as item_share from school_counts
