-- People around each school that needs support, per year — ШНОР by either methodology or on the region's
-- published list (the list the municipality works with), «500+» participants and schools in post-project
-- support: its management team from the municipality's registry (complete when
-- it has a director, enough deputies and members: methodology_parameters), its teachers on the registry and
-- how many of them took part in professional development that year, its curators (visits, a programme
-- against the school's risks, work dated in ИС МЭДК, whether the curator's own school is itself a ШНОР that
-- year, whether the same curator held it the year before), mentors and tutors. Counts and pseudonymous ids
-- only: no names.
with scope as (
    select school_code, result_year as people_year, 1 as is_shnor, 0 as is_project_500, 0 as is_post_project
    from {{ ref('int_shnor_membership') }}
    union all
    select school_code, list_year, case when is_published_regional_shnor then 1 else 0 end,
           case when is_project_500 then 1 else 0 end, case when is_post_project then 1 else 0 end
    from {{ ref('int_school_list_membership') }}
    where is_project_500 or is_post_project or is_published_regional_shnor
),

schools as (
    select
        school_code,
        people_year,
        max(is_shnor) = 1 as is_shnor,
        max(is_project_500) = 1 as is_project_500,
        max(is_post_project) = 1 as is_post_project
    from scope
    group by school_code, people_year
),

teams as (
    select
        school_code,
        registry_year,
        cast(count(distinct person_id) as integer) as team_members,
        cast(count(distinct case when team_role = 'director' then person_id end) as integer) as team_directors,
        cast(count(distinct case when team_role = 'deputy' then person_id end) as integer) as team_deputies
    from {{ ref('int_people_registry') }}
    where person_role = 'management_team' and school_code is not null
    group by school_code, registry_year
),

teachers as (
    select distinct person_id, school_code, registry_year
    from {{ ref('int_people_registry') }}
    where person_role = 'teacher' and school_code is not null
),

development as (
    select person_id, event_year, count(*) as events
    from {{ ref('int_professional_development') }}
    group by person_id, event_year
),

teacher_counts as (
    select
        teachers.school_code,
        teachers.registry_year,
        cast(count(distinct teachers.person_id) as integer) as teachers,
        cast(count(distinct case when development.person_id is not null then teachers.person_id end) as integer) as teachers_with_development,
        cast(coalesce(sum(development.events), 0) as integer) as development_events
    from teachers
    left join development
        on teachers.person_id = development.person_id
       and teachers.registry_year = development.event_year
    group by teachers.school_code, teachers.registry_year
),

curators as (
    select
        school_code,
        assignment_year,
        cast(count(distinct person_id) as integer) as curators,
        min(person_id) as curator_id,
        cast(sum(coalesce(visits, 0)) as integer) as curator_visits,
        max(case when has_risk_programme then 1 else 0 end) = 1 as has_risk_programme,
        max(case when medk_date is not null then 1 else 0 end) = 1 as is_dated_in_medk,
        max(case when own_school_is_shnor then 1 else 0 end) = 1 as curator_school_is_shnor,
        max(case when held_last_year then 1 else 0 end) = 1 as same_curator_as_last_year
    from {{ ref('int_curator_assignments') }}
    group by school_code, assignment_year
),

supporters as (
    select
        school_code,
        assignment_year,
        cast(count(distinct case when mentor_role = 'mentor' then person_id end) as integer) as mentors,
        cast(count(distinct case when mentor_role = 'tutor' then person_id end) as integer) as tutors
    from {{ ref('int_mentor_assignments') }}
    group by school_code, assignment_year
)

select
    schools.school_code,
    registry.school_name,
    registry.municipality_oktmo,
    municipalities.municipality_name,
    schools.people_year,
    schools.is_shnor,
    schools.is_project_500,
    schools.is_post_project,
    coalesce(teams.team_members, 0) as team_members,
    coalesce(teams.team_directors, 0) as team_directors,
    coalesce(teams.team_deputies, 0) as team_deputies,
    teams.school_code is not null as has_team_registry,
    coalesce(teams.team_directors, 0) >= 1
        and coalesce(teams.team_deputies, 0) >= {{ methodology_parameter('team_min_deputies') }}
        and coalesce(teams.team_members, 0) >= {{ methodology_parameter('team_min_members') }} as is_team_complete,
    coalesce(teacher_counts.teachers, 0) as teachers,
    coalesce(teacher_counts.teachers_with_development, 0) as teachers_with_development,
    cast(teacher_counts.teachers_with_development as double precision) / nullif(teacher_counts.teachers, 0)
        as development_share,
    coalesce(teacher_counts.development_events, 0) as development_events,
    coalesce(curators.curators, 0) as curators,
    curators.curator_id,
    coalesce(curators.curator_visits, 0) as curator_visits,
    coalesce(curators.has_risk_programme, false) as has_risk_programme,
    coalesce(curators.is_dated_in_medk, false) as is_dated_in_medk,
    coalesce(curators.curator_school_is_shnor, false) as curator_school_is_shnor,
    coalesce(curators.same_curator_as_last_year, false) as same_curator_as_last_year,
    coalesce(supporters.mentors, 0) as mentors,
    coalesce(supporters.tutors, 0) as tutors
from schools
inner join {{ ref('int_current_schools') }} as registry
    on schools.school_code = registry.school_code
inner join {{ ref('int_current_municipalities') }} as municipalities
    on registry.municipality_oktmo = municipalities.municipality_oktmo
left join teams
    on schools.school_code = teams.school_code
   and schools.people_year = teams.registry_year
left join teacher_counts
    on schools.school_code = teacher_counts.school_code
   and schools.people_year = teacher_counts.registry_year
left join curators
    on schools.school_code = curators.school_code
   and schools.people_year = curators.assignment_year
left join supporters
    on schools.school_code = supporters.school_code
   and schools.people_year = supporters.assignment_year
