-- The bridge from marts back to raw: one row per source row and the mart row it reached, found by the
-- lineage keys the marts carry (source_sha256, source_row_id) or, for aggregated marts, by the mart's own key
-- (municipality, school, year, person id, activity) over the rows its models took. A source row that is not
-- here did not reach a mart; fct_source_row_fates says why.
with assessment as (
    select distinct
        rows_read.source_row_id,
        'fct_assessment_results' as mart_name,
        facts.school_code || ' ' || facts.assessment_procedure || ' ' || cast(facts.assessment_year as varchar)
            || ' ' || facts.subject || coalesce(' ' || cast(facts.grade as varchar), '') as mart_key,
        facts.is_suppressed
    from {{ ref('stg_assessment_results') }} as rows_read
    inner join {{ ref('fct_assessment_results') }} as facts
        on rows_read.source_sha256 = facts.source_sha256
       and rows_read.school_code = facts.school_code
       and rows_read.assessment_procedure = facts.assessment_procedure
       and rows_read.assessment_year = facts.assessment_year
       and rows_read.subject = facts.subject
       and coalesce(rows_read.grade, -1) = coalesce(facts.grade, -1)
),

municipal_forms as (
    select distinct
        rows_read.source_row_id,
        'mart_indicator_unit_scores' as mart_name,
        units.monitoring_id || ' ' || units.municipality_oktmo || ' ' || units.indicator_code as mart_key,
        false as is_suppressed
    from {{ ref('stg_submission_values') }} as rows_read
    inner join {{ ref('mart_indicator_unit_scores') }} as units
        on rows_read.source_sha256 = units.source_sha256
       and rows_read.indicator_code = units.indicator_code
),

school_forms as (
    select distinct
        rows_read.source_row_id,
        'mart_school_form_values' as mart_name,
        form_values.monitoring_id || ' ' || form_values.school_code || ' ' || form_values.indicator_code as mart_key,
        false as is_suppressed
    from {{ ref('stg_submission_values') }} as rows_read
    inner join {{ ref('mart_school_form_values') }} as form_values
        on rows_read.source_sha256 = form_values.source_sha256
       and rows_read.indicator_code = form_values.indicator_code
),

context as (
    select
        source_row_id,
        'dim_school' as mart_name,
        school_code || ' ' || cast(data_year as varchar) as mart_key,
        false as is_suppressed
    from {{ ref('dim_school') }}
),

registry as (
    select distinct
        registry_source_row_id as source_row_id,
        'dim_school' as mart_name,
        school_code as mart_key,
        false as is_suppressed
    from {{ ref('dim_school') }}
),

current_lists as (
    {{ rows_ranked_by_latest_file('stg_school_lists') }}
),

lists as (
    {{ rows_reaching_school_year_mart('current_lists', 'list_year', 'mart_school_identification', 'result_year') }}
    union all
    {{ rows_reaching_school_year_mart('current_lists', 'list_year', 'mart_school_people', 'people_year') }}
),

assignments as (
    select assignments.*
    from {{ ref('stg_mentor_assignments') }} as assignments
    inner join {{ ref('stg_files') }} as files
        on assignments.source_sha256 = files.source_sha256
    where files.file_status <> 'rejected'
),

mentors as (
    select distinct
        assignments.source_row_id,
        'mart_mentor_load' as mart_name,
        mentor_load.municipality_oktmo || ' ' || cast(mentor_load.assignment_year as varchar) as mart_key,
        false as is_suppressed
    from assignments
    inner join {{ ref('int_current_schools') }} as schools
        on assignments.school_code = schools.school_code
    inner join {{ ref('mart_mentor_load') }} as mentor_load
        on schools.municipality_oktmo = mentor_load.municipality_oktmo
       and assignments.assignment_year = mentor_load.assignment_year
),

current_roadmaps as (
    {{ rows_ranked_by_latest_file('stg_roadmap_items') }}
),

roadmaps as (
    select distinct
        current_roadmaps.source_row_id,
        'mart_roadmap_plan' as mart_name,
        plan.municipality_oktmo || ' ' || cast(plan.roadmap_year as varchar) || ' ' || cast(plan.activity_number as varchar)
            as mart_key,
        false as is_suppressed
    from current_roadmaps
    inner join {{ ref('mart_roadmap_plan') }} as plan
        on current_roadmaps.municipality_oktmo = plan.municipality_oktmo
       and current_roadmaps.roadmap_year = plan.roadmap_year
       and current_roadmaps.activity_number = plan.activity_number
    where current_roadmaps.file_rank = 1
),

roadmap_reports as (
    select distinct
        evidence.source_sha256 || ':' || coalesce(reports.source_sheet, '') || ':' || cast(evidence.source_row as varchar)
            as source_row_id,
        'mart_roadmap_status' as mart_name,
        status.municipality_oktmo || ' ' || cast(status.roadmap_year as varchar) || ' '
            || cast(status.activity_number as varchar) || coalesce(' ' || cast(status.due_date as varchar), '') as mart_key,
        false as is_suppressed
    from {{ ref('int_roadmap_evidence') }} as evidence
    inner join {{ ref('stg_roadmap_reports') }} as reports
        on evidence.source_sha256 = reports.source_sha256
       and evidence.source_row = reports.source_row
    inner join {{ ref('mart_roadmap_status') }} as status
        on evidence.municipality_oktmo = status.municipality_oktmo
       and evidence.report_year = status.roadmap_year
       and evidence.plan_activity_number = status.activity_number
       and (evidence.due_date = status.due_date or (evidence.due_date is null and status.due_date is null))
),

current_people as (
    {{ rows_ranked_by_latest_file('stg_people_registry') }}
),

people as (
    {{ rows_reaching_school_year_mart('current_people', 'registry_year', 'mart_school_people', 'people_year',
                                      condition='current_people.person_role is not null') }}
),

development as (
    select distinct
        events.source_row_id,
        'mart_school_people' as mart_name,
        school_people.school_code || ' ' || cast(school_people.people_year as varchar) as mart_key,
        false as is_suppressed
    from {{ ref('stg_professional_development') }} as events
    inner join {{ ref('stg_files') }} as files
        on events.source_sha256 = files.source_sha256
    inner join {{ ref('int_people_registry') }} as teachers
        on events.person_id = teachers.person_id
       and events.event_year = teachers.registry_year
       and teachers.person_role = 'teacher'
    inner join {{ ref('mart_school_people') }} as school_people
        on teachers.school_code = school_people.school_code
       and teachers.registry_year = school_people.people_year
    where files.file_status <> 'rejected'
),

bridged as (
    select 'assessment_results' as source_kind, * from assessment
    union all select 'submission', * from municipal_forms
    union all select 'submission', * from school_forms
    union all select 'oo1_context', * from context
    union all select 'school_registry', * from registry
    union all select 'school_lists', * from lists
    union all select 'mentor_assignments', * from mentors
    union all select 'roadmap', * from roadmaps
    union all select 'roadmap_report', * from roadmap_reports
    union all select 'people_registry', * from people
    union all select 'professional_development', * from development
)

select
    bridged.source_kind,
    bridged.source_row_id,
    source_rows.source_sha256,
    source_rows.source_file,
    source_rows.source_sheet,
    source_rows.source_row,
    source_rows.municipality_oktmo,
    bridged.mart_name,
    bridged.mart_key,
    bridged.is_suppressed
from bridged
inner join {{ ref('int_source_rows') }} as source_rows
    on bridged.source_row_id = source_rows.source_row_id
   and bridged.source_kind = source_rows.source_kind
