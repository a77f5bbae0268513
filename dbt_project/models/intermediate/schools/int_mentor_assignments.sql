-- Who (pseudonymous id) mentors which school in a year, from files that were not refused, with the
-- number of schools that person holds that year across the region, the curator's own school (seed 002:
-- chosen among directors of schools with steady results), the visits made, whether a programme against
-- the school's risks was agreed and whether the work was dated in ИС МЭДК (several files of a year:
-- the most visits, any programme, the latest date).
with assignments as (
    select
        assignments.person_id,
        assignments.mentor_role,
        assignments.assignment_year,
        assignments.school_code,
        max(assignments.own_school_code) as own_school_code,
        max(assignments.visits) as visits,
        max(case when assignments.risk_programme then 1 else 0 end) = 1 as has_risk_programme,
        max(assignments.medk_date) as medk_date
    from {{ ref('stg_mentor_assignments') }} as assignments
    inner join {{ ref('stg_files') }} as files
        on assignments.source_sha256 = files.source_sha256
    where files.file_status <> 'rejected'
      and assignments.school_code is not null
    group by assignments.person_id, assignments.mentor_role, assignments.assignment_year, assignments.school_code
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
