-- Schools that left «500+» and are in post-project support (the list's kind post_project, seed 001), followed
-- up: for every results year from the last project year on, the school's ИОР and its change since the exit
-- year, whether it is back on a ШНОР list, and who supports it that year (mentors and curators, its team on
-- the municipality's registry).
with post_project as (
    select school_code, list_year as post_project_year
    from {{ ref('int_school_list_membership') }}
    where is_post_project
),

results as (
    select
        school_code,
        result_year,
        school_name,
        municipality_oktmo,
        municipality_name,
        ior,
        is_regional_shnor,
        is_federal_shnor,
        mentors_assigned
    from {{ ref('mart_school_identification') }}
)

select
    post_project.school_code,
    results.school_name,
    results.municipality_oktmo,
    results.municipality_name,
    post_project.post_project_year,
    post_project.post_project_year - 1 as exit_year,
    results.result_year,
    results.result_year - (post_project.post_project_year - 1) as years_after_exit,
    results.ior,
    exit_results.ior as exit_ior,
    results.ior - exit_results.ior as ior_change_since_exit,
    results.is_regional_shnor or results.is_federal_shnor as is_shnor,
    results.result_year >= post_project.post_project_year
        and (results.is_regional_shnor or results.is_federal_shnor) as is_shnor_again,
    results.mentors_assigned,
    coalesce(people.team_members, 0) as team_members,
    coalesce(people.curators, 0) as curators
from post_project
inner join results
    on results.school_code = post_project.school_code
   and results.result_year >= post_project.post_project_year - 1
left join results as exit_results
    on exit_results.school_code = post_project.school_code
   and exit_results.result_year = post_project.post_project_year - 1
left join {{ ref('mart_school_people') }} as people
    on people.school_code = post_project.school_code
   and people.people_year = results.result_year
