-- Who (pseudonymous id) mentors which school in a year, from files that were not refused, with the
-- number of schools that person holds that year across the region.
with assignments as (
    select distinct
        assignments.person_id,
        assignments.mentor_role,
        assignments.assignment_year,
        assignments.school_code
    from {{ ref('stg_mentor_assignments') }} as assignments
    inner join {{ ref('stg_files') }} as files
        on assignments.source_sha256 = files.source_sha256
    where files.file_status <> 'rejected'
      and assignments.school_code is not null
),


load as (
    select person_id, assignment_year, count(distinct school_code) as schools_held
    from assignments
    group by person_id, assignment_year
)

select
    assignments.*,
    load.schools_held
from assignments
inner join load
    on assignments.person_id = load.person_id
   and assignments.assignment_year = load.assignment_year
