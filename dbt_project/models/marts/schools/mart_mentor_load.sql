-- Mentors' load per municipality and year: people assigned (pseudonymous, counted only), schools they
-- mentor, and how many of them hold more than one school (seed 002: a curator with two schools).
select
    registry.municipality_oktmo,
    municipalities.municipality_name,
    assignments.assignment_year,
    count(distinct assignments.person_id) as mentors,
    count(distinct assignments.school_code) as schools_mentored,
    count(distinct case when assignments.schools_held > 1 then assignments.person_id end) as mentors_with_several_schools
from {{ ref('int_mentor_assignments') }} as assignments
inner join {{ ref('int_current_schools') }} as registry
    on assignments.school_code = registry.school_code
inner join {{ ref('int_current_municipalities') }} as municipalities
    on registry.municipality_oktmo = municipalities.municipality_oktmo
group by registry.municipality_oktmo, municipalities.municipality_name, assignments.assignment_year
