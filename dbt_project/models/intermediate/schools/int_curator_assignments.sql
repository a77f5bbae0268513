-- A curator's school in a year (int_mentor_assignments, curators only) with the two facts the people marts judge
-- a curator by, decided once here: whether the curator's own school is itself a ШНОР that year (seed 002:
-- curators are chosen among directors of schools with steady results — flagged, never hidden) and whether the
-- same curator held the same school the year before (continuity).
with curators as (
    select *
    from {{ ref('int_mentor_assignments') }}
    where mentor_role = 'curator'
),

low_performing as (
    select distinct school_code, result_year
    from {{ ref('int_shnor_membership') }}
)

select
    curators.person_id,
    curators.assignment_year,
    curators.school_code,
    curators.own_school_code,
    curators.visits,
    curators.has_risk_programme,
    curators.medk_date,
    low_performing.school_code is not null as own_school_is_shnor,
    previous_year.school_code is not null as held_last_year
from curators
left join low_performing
    on curators.own_school_code = low_performing.school_code
   and curators.assignment_year = low_performing.result_year
left join curators as previous_year
    on curators.person_id = previous_year.person_id
   and curators.school_code = previous_year.school_code
   and curators.assignment_year - 1 = previous_year.assignment_year
