-- Counts that contradict another source, per monitoring (its school year for school data), with the
-- municipality and both numbers — the data-quality annex of the notes (seed data_quality_checks names them):
--   served_above_listed — a count of section 1 (seed count_list_checks: ИП-8, ИП-10, ИП-11) above the number of
--     the municipality's schools on the list it is compared with;
--   participants_above_enrolment — participants of a procedure in a grade above the pupils of that grade's band
--     (1–4, 5–9, 10–11) in the school's ОО-1 for that school year;
--   listed_without_oo1 — schools of the municipality on the federal or the published regional list with no ОО-1
--     for the school year or the year before (reported: schools listed; reference: of them with ОО-1).
with checks as (
    select * from {{ ref('data_quality_checks') }}
),

years as (
    select * from {{ ref('int_monitoring_school_year') }}
),

served as (
    select
        scores.monitoring_id,
        'served_above_listed' as check_code,
        scores.municipality_oktmo,
        cast(null as varchar) as school_code,
        cast(null as varchar) as school_name,
        scores.indicator_code as subject_code,
        scores.indicator_display_code || '. ' || scores.indicator_label as subject,
        cast(scores.score as bigint) as reported_value,
        cast(lists.schools as bigint) as reference_value,
        'в списке: ' || lists.list_label || ' (' || cast(years.school_year as varchar) || ')' as detail
    from {{ ref('int_indicator_scores') }} as scores
    inner join {{ ref('count_list_checks') }} as counted
        on scores.form_id = counted.form_id
       and scores.indicator_code = counted.indicator_code
    inner join years
        on scores.monitoring_id = years.monitoring_id
    inner join {{ ref('int_municipality_school_lists') }} as lists
        on scores.municipality_oktmo = lists.municipality_oktmo
       and lists.school_year = years.school_year
       and lists.list_code = counted.list_code
    where scores.score > lists.schools
),

enrolment as (
    select
        results.school_code,
        results.assessment_year,
        results.assessment_procedure,
        results.subject,
        results.grade,
        results.participants,
        context.context_year,
        case
            when results.grade between 1 and 4 then schools.pupils_1_4
            when results.grade between 5 and 9 then schools.pupils_5_9
            when results.grade between 10 and 11 then schools.pupils_10_11
        end as band_pupils,
        case
            when results.grade between 1 and 4 then '1–4'
            when results.grade between 5 and 9 then '5–9'
            when results.grade between 10 and 11 then '10–11'
        end as band,
        schools.school_name,
        schools.municipality_oktmo
    from {{ ref('fct_assessment_results') }} as results
    inner join {{ ref('int_school_context_years') }} as context
        on results.school_code = context.school_code
       and results.assessment_year = context.result_year
    inner join {{ ref('dim_school') }} as schools
        on context.school_code = schools.school_code
       and context.context_year = schools.data_year
),

participants as (
    select
        years.monitoring_id,
        'participants_above_enrolment' as check_code,
        enrolment.municipality_oktmo,
        enrolment.school_code,
        enrolment.school_name,
        enrolment.assessment_procedure || ' ' || enrolment.subject || ', ' || cast(enrolment.grade as varchar) || ' кл.'
            as subject_code,
        enrolment.assessment_procedure || ' ' || enrolment.subject || ', ' || cast(enrolment.grade as varchar) || ' кл.'
            as subject,
        cast(enrolment.participants as bigint) as reported_value,
        cast(enrolment.band_pupils as bigint) as reference_value,
        'обучающихся ' || enrolment.band || ' классов по ОО-1 за ' || cast(enrolment.context_year as varchar) || ' год'
            as detail
    from enrolment
    inner join years
        on substr(enrolment.municipality_oktmo, 1, 2) = years.oktmo_prefix
       and enrolment.assessment_year = years.school_year
    where enrolment.participants > enrolment.band_pupils
),

listed as (
    select
        years.monitoring_id,
        registry.municipality_oktmo,
        lists.school_code,
        registry.school_name,
        case when lists.is_federal_shnor then 'federal' end as federal,
        case when lists.is_published_regional_shnor then 'published_regional' end as published,
        exists (
            select 1 from {{ ref('dim_school') }} as context
            where context.school_code = lists.school_code
              and context.data_year between years.school_year - 1 and years.school_year
        ) as has_oo1
    from {{ ref('int_school_list_membership') }} as lists
    inner join {{ ref('int_current_schools') }} as registry
        on lists.school_code = registry.school_code
    inner join years
        on substr(registry.municipality_oktmo, 1, 2) = years.oktmo_prefix
       and lists.list_year = years.school_year
    where lists.is_federal_shnor or lists.is_published_regional_shnor
),

listed_by_list as (
    select monitoring_id, municipality_oktmo, school_code, school_name, federal as list_code, has_oo1
    from listed where federal is not null
    union all
    select monitoring_id, municipality_oktmo, school_code, school_name, published, has_oo1
    from listed where published is not null
),

without_oo1 as (
    select
        listed_by_list.monitoring_id,
        'listed_without_oo1' as check_code,
        listed_by_list.municipality_oktmo,
        cast(null as varchar) as school_code,
        cast(null as varchar) as school_name,
        listed_by_list.list_code as subject_code,
        min(lists.list_label) as subject,
        cast(count(*) as bigint) as reported_value,
        cast(sum(case when has_oo1 then 1 else 0 end) as bigint) as reference_value,
        'без ОО-1: ' || string_agg(case when not has_oo1 then listed_by_list.school_name end, '; '
                                   order by listed_by_list.school_name) as detail
    from listed_by_list
    inner join {{ ref('shnor_lists') }} as lists
        on listed_by_list.list_code = lists.list_code
    group by listed_by_list.monitoring_id, listed_by_list.municipality_oktmo, listed_by_list.list_code
    having sum(case when has_oo1 then 0 else 1 end) > 0
),

found as (
    select * from served
    union all
    select * from participants
    union all
    select * from without_oo1
),

checks_found as (
    select
        found.monitoring_id,
        found.check_code,
        checks.check_order,
        checks.check_title,
        found.municipality_oktmo,
        municipalities.municipality_name,
        found.school_code,
        found.school_name,
        found.subject_code,
        found.subject,
        found.reported_value,
        checks.reported_source,
        found.reference_value,
        checks.reference_source,
        found.detail
    from found
    inner join checks
        on found.check_code = checks.check_code
    inner join {{ ref('int_current_municipalities') }} as municipalities
        on found.municipality_oktmo = municipalities.municipality_oktmo
)

{{ with_monitoring_window('checks_found') }}
