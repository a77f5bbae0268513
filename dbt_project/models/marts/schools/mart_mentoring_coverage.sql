-- Mentoring coverage per municipality, year and list: how many listed schools have a mentor or curator
-- assigned and how many have none (seed 002 assigns curators to «500+» schools).
with listed as (
    select school_code, result_year, 'shnor_' || methodology as list_kind
    from {{ ref('int_shnor_membership') }}
    union all
    select school_code, list_year, 'project_500'
    from {{ ref('int_school_list_membership') }}
    where is_project_500
),

mentored as (
    select distinct school_code, assignment_year
    from {{ ref('int_mentor_assignments') }}
)

select
    registry.municipality_oktmo,
    municipalities.municipality_name,
    listed.result_year,
    listed.list_kind,
    {{ code_label('list_kind', 'listed.list_kind') }} as list_kind_label,
    cast(count(*) as integer) as listed_schools,
    cast(sum(case when mentored.school_code is not null then 1 else 0 end) as integer) as schools_with_mentor,
    cast(sum(case when mentored.school_code is null then 1 else 0 end) as integer) as schools_without_mentor,
    cast(sum(case when mentored.school_code is not null then 1 else 0 end) as double precision) / count(*)
        as coverage_share
from listed
inner join {{ ref('int_current_schools') }} as registry
    on listed.school_code = registry.school_code
inner join {{ ref('int_current_municipalities') }} as municipalities
    on registry.municipality_oktmo = municipalities.municipality_oktmo
left join mentored
    on listed.school_code = mentored.school_code
   and listed.result_year = mentored.assignment_year
group by registry.municipality_oktmo, municipalities.municipality_name, listed.result_year, listed.list_kind
