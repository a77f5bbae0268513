-- Rows as read, with municipality and school as resolved before this build (identity.school_names, macro
-- join_resolved_names): the reader's own guess is kept for lineage only (school_code_read), so a registry, an
-- alias or a person's decision that came later applies here on the next build, without reading the file again.
-- People appear only as pseudonymous ids; their names live in the restricted schema, which no model reads.
select
    rows.person_id,
    rows.role as mentor_role,
    cast(rows.year as integer) as assignment_year,
    {{ resolved_name_columns('rows') }},
    rows.own_school_code,
    cast(rows.visits as integer) as visits,
    rows.risk_programme,
    cast(rows.medk_date as date) as medk_date,
    {{ lineage_columns('rows') }}
from {{ source('raw', 'mentor_assignments') }} as rows
{{ join_resolved_names('rows') }}
