-- Each curator's year (pseudonymous id only): the schools held and whether that is more than a curator
-- should hold (methodology_parameters.curator_max_schools), visits, schools with a programme against their
-- risks and with work dated in ИС МЭДК, whether the curator's own school is known and is itself a ШНОР
-- that year (seed 002: curators are chosen among directors of schools with steady results — flagged, never
-- hidden), and continuity: whether the curator held schools the year before and how many of the same.
with curators as (
    select *
    from {{ ref('int_mentor_assignments') }}
    where mentor_role = 'curator'
),

per_curator as (
    select
        person_id,
        assignment_year,
        cast(count(distinct school_code) as integer) as schools_held,
        cast(sum(coalesce(visits, 0)) as integer) as visits,
        cast(count(distinct case when has_risk_programme then school_code end) as integer) as schools_with_risk_programme,
        cast(count(distinct case when medk_date is not null then school_code end) as integer) as schools_dated_in_medk,
        max(own_school_code) as own_school_code,
        min(school_code) as first_school_code
    from curators
    group by person_id, assignment_year
),

continuity as (
    select
        current_year.person_id,
        current_year.assignment_year,
        cast(count(distinct previous_year.school_code) as integer) as schools_kept_from_last_year
    from curators as current_year
    inner join curators as previous_year
        on previous_year.person_id = current_year.person_id
       and previous_year.school_code = current_year.school_code
       and previous_year.assignment_year = current_year.assignment_year - 1
    group by current_year.person_id, current_year.assignment_year
),

held_last_year as (
    select distinct person_id, assignment_year + 1 as assignment_year
    from curators
),

low_performing as (
    select distinct school_code, result_year
    from {{ ref('int_shnor_membership') }}
)

select
    per_curator.person_id as curator_id,
    per_curator.assignment_year,
    registry.municipality_oktmo,
    municipalities.municipality_name,
    per_curator.schools_held,
    per_curator.schools_held > {{ methodology_parameter('curator_max_schools') }} as is_overloaded,
    per_curator.visits,
    per_curator.schools_with_risk_programme,
    per_curator.schools_dated_in_medk,
    per_curator.own_school_code is not null as has_own_school,
    low_performing.school_code is not null as own_school_is_shnor,
    held_last_year.person_id is not null as curated_last_year,
    coalesce(continuity.schools_kept_from_last_year, 0) as schools_kept_from_last_year
from per_curator
inner join {{ ref('int_current_schools') }} as registry
    on registry.school_code = coalesce(per_curator.own_school_code, per_curator.first_school_code)
inner join {{ ref('dim_municipality') }} as municipalities
    on registry.municipality_oktmo = municipalities.municipality_oktmo
left join low_performing
    on low_performing.school_code = per_curator.own_school_code
   and low_performing.result_year = per_curator.assignment_year
left join held_last_year
    on held_last_year.person_id = per_curator.person_id
   and held_last_year.assignment_year = per_curator.assignment_year
left join continuity
    on continuity.person_id = per_curator.person_id
   and continuity.assignment_year = per_curator.assignment_year
