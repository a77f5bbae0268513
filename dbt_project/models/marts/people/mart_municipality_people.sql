-- People of each municipality's support system per year, for BI and the notes (counts and shares, no
-- names): ШНОР with their management team on the registry and complete, teachers of the schools that need
-- support and the share of them with professional development that year, «500+» schools with a curator
-- (coverage), curators and their load, curators whose own school is itself a ШНОР, schools kept by the
-- same curator as last year, mentors and tutors on the registry, post-project schools, those whose ИОР rose
-- since they left «500+» and those back on a ШНОР list; region shares from the region's sums.
with schools as (
    select
        municipality_oktmo,
        municipality_name,
        people_year,
        cast(sum(case when is_shnor then 1 else 0 end) as integer) as shnor_schools,
        cast(sum(case when is_shnor and has_team_registry then 1 else 0 end) as integer) as shnor_with_team_registry,
        cast(sum(case when is_shnor and is_team_complete then 1 else 0 end) as integer) as shnor_team_complete,
        cast(sum(teachers) as integer) as teachers,
        cast(sum(teachers_with_development) as integer) as teachers_with_development,
        cast(sum(case when is_project_500 then 1 else 0 end) as integer) as project_500_schools,
        cast(sum(case when is_project_500 and curators > 0 then 1 else 0 end) as integer) as project_500_with_curator,
        cast(sum(case when curators > 0 and curator_school_is_shnor then 1 else 0 end) as integer) as schools_with_curator_from_shnor,
        cast(sum(case when curators > 0 and same_curator_as_last_year then 1 else 0 end) as integer) as schools_with_same_curator,
        cast(sum(case when curators > 0 and has_risk_programme then 1 else 0 end) as integer) as schools_with_risk_programme,
        cast(sum(curator_visits) as integer) as curator_visits,
        cast(sum(case when is_post_project then 1 else 0 end) as integer) as post_project_schools,
        cast(sum(case when is_post_project and is_shnor then 1 else 0 end) as integer) as post_project_back_on_list
    from {{ ref('mart_school_people') }}
    group by municipality_oktmo, municipality_name, people_year
),

curators as (
    select
        municipality_oktmo,
        assignment_year,
        cast(count(*) as integer) as curators,
        max(schools_held) as max_schools_per_curator,
        cast(sum(case when is_overloaded then 1 else 0 end) as integer) as curators_overloaded,
        cast(sum(case when own_school_is_shnor then 1 else 0 end) as integer) as curators_from_shnor,
        cast(sum(case when curated_last_year then 1 else 0 end) as integer) as curators_continuing
    from {{ ref('mart_curator_load') }}
    group by municipality_oktmo, assignment_year
),

post_project as (
    select
        municipality_oktmo,
        result_year,
        cast(sum(case when years_after_exit >= 1 and ior_change_since_exit > 0 then 1 else 0 end) as integer) as post_project_improved
    from {{ ref('mart_post_project_schools') }}
    group by municipality_oktmo, result_year
),

registered as (
    select
        municipality_oktmo,
        registry_year,
        cast(count(distinct case when person_role = 'mentor' then person_id end) as integer) as mentors_registered,
        cast(count(distinct case when person_role = 'tutor' then person_id end) as integer) as tutors_registered
    from {{ ref('int_people_registry') }}
    group by municipality_oktmo, registry_year
),

region as (
    select
        substr(municipality_oktmo, 1, 2) as oktmo_region_code,
        people_year,
        cast(sum(shnor_team_complete) as double precision) / nullif(sum(shnor_schools), 0) as region_team_complete_share,
        cast(sum(teachers_with_development) as double precision) / nullif(sum(teachers), 0) as region_development_share,
        cast(sum(project_500_with_curator) as double precision) / nullif(sum(project_500_schools), 0)
            as region_curator_coverage_share
    from schools
    group by substr(municipality_oktmo, 1, 2), people_year
)

select
    schools.municipality_oktmo,
    schools.municipality_name,
    schools.people_year,
    schools.shnor_schools,
    schools.shnor_with_team_registry,
    schools.shnor_team_complete,
    cast(schools.shnor_team_complete as double precision) / nullif(schools.shnor_schools, 0) as team_complete_share,
    schools.teachers,
    schools.teachers_with_development,
    cast(schools.teachers_with_development as double precision) / nullif(schools.teachers, 0) as development_share,
    schools.project_500_schools,
    schools.project_500_with_curator,
    cast(schools.project_500_with_curator as double precision) / nullif(schools.project_500_schools, 0)
        as curator_coverage_share,
    coalesce(curators.curators, 0) as curators,
    curators.max_schools_per_curator,
    coalesce(curators.curators_overloaded, 0) as curators_overloaded,
    coalesce(curators.curators_from_shnor, 0) as curators_from_shnor,
    coalesce(curators.curators_continuing, 0) as curators_continuing,
    schools.schools_with_curator_from_shnor,
    schools.schools_with_same_curator,
    schools.schools_with_risk_programme,
    schools.curator_visits,
    coalesce(registered.mentors_registered, 0) as mentors_registered,
    coalesce(registered.tutors_registered, 0) as tutors_registered,
    schools.post_project_schools,
    schools.post_project_back_on_list,
    coalesce(post_project.post_project_improved, 0) as post_project_improved,
    region.region_team_complete_share,
    region.region_development_share,
    region.region_curator_coverage_share
from schools
inner join region
    on region.oktmo_region_code = substr(schools.municipality_oktmo, 1, 2)
   and region.people_year = schools.people_year
left join curators
    on curators.municipality_oktmo = schools.municipality_oktmo
   and curators.assignment_year = schools.people_year
left join registered
    on registered.municipality_oktmo = schools.municipality_oktmo
   and registered.registry_year = schools.people_year
left join post_project
    on post_project.municipality_oktmo = schools.municipality_oktmo
   and post_project.result_year = schools.people_year
