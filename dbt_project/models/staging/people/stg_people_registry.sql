-- Registries of ШНОР management teams, teachers, mentors, tutors and curators: people as pseudonymous ids
-- only; their names, positions and contacts live in the restricted schema, which no model reads.
select
    person_id,
    role as person_role,
    team_role,
    cast(registry_year as integer) as registry_year,
    municipality_oktmo,
    school_name_raw,
    school_code,
    match_score,
    source_file,
    source_sha256,
    source_sheet,
    source_row,
    {{ source_row_id() }} as source_row_id
from {{ source('raw', 'people_registry') }}
