-- Rows as read, with municipality and school as resolved before this build (identity.school_names, macro
-- join_resolved_names): the reader's own guess is kept for lineage only (school_code_read), so a registry, an
-- alias or a person's decision that came later applies here on the next build, without reading the file again.
-- Registries of ШНОР management teams, teachers, mentors, tutors and curators: people as pseudonymous ids
-- only; their names, positions and contacts live in the restricted schema, which no model reads.
select
    rows.person_id,
    rows.role as person_role,
    rows.team_role,
    cast(rows.registry_year as integer) as registry_year,
    {{ resolved_name_columns('rows') }},
    {{ lineage_columns('rows') }}
from {{ source('raw', 'people_registry') }} as rows
{{ join_resolved_names('rows') }}
