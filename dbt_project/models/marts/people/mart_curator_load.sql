-- Each curator's year (pseudonymous id only): the schools held and whether that is more than a curator
-- should hold (methodology_parameters.curator_max_schools), visits, schools with a programme against their
-- risks and with work dated in ИС МЭДК, whether the curator's own school is known and is itself a ШНОР
-- that year (seed 002: curators are chosen among directors of schools with steady results — flagged, never
-- hidden), and continuity: whether the curator held schools the year before and how many of the same. Both
-- judgements are made per school in int_curator_assignments, which mart_school_people reads too.
with per_curator as (
    select
        person_id,
        assignment_year,
        cast(count(distinct school_code) as integer) as schools_held,
        cast(sum(coalesce(visits, 0)) as integer) as visits,
        cast(count(distinct case when has_risk_programme then school_code end) as integer) as schools_with_risk_programme,
        cast(count(distinct case when medk_date is not null then school_code end) as integer) as schools_dated_in_medk,
        max(own_school_code) as own_school_code,
        max(case when own_school_is_shnor then 1 else 0 end) = 1 as own_school_is_shnor,
        cast(count(distinct case when held_last_year then school_code end) as integer) as schools_kept_from_last_year,
        min(school_code) as first_school_code
    from {{ ref('int_curator_assignments') }}
    group by person_id, assignment_year
),

held_last_year as (
    select distinct person_id, assignment_year + 1 as assignment_year
    from {{ ref('int_curator_assignments') }}
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
    per_curator.own_school_is_shnor,
    held_last_year.person_id is not null as curated_last_year,
    per_curator.schools_kept_from_last_year
from per_curator
inner join {{ ref('int_current_schools') }} as registry
    on registry.school_code = coalesce(per_curator.own_school_code, per_curator.first_school_code)
inner join {{ ref('int_current_municipalities') }} as municipalities
    on registry.municipality_oktmo = municipalities.municipality_oktmo
left join held_last_year
    on held_last_year.person_id = per_curator.person_id
   and held_last_year.assignment_year = per_curator.assignment_year
