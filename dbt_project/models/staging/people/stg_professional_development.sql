-- Rows as read, with municipality and school as resolved before this build (identity.school_names, macro
-- join_resolved_names): the reader's own guess is kept for lineage only (school_code_read), so a registry, an
-- alias or a person's decision that came later applies here on the next build, without reading the file again.
-- Professional development and participation in events per person (pseudonymous ids only).
select
    rows.person_id,
    cast(rows.event_year as integer) as event_year,
    {{ resolved_name_columns('rows') }},
    rows.event_kind,
    rows.event_title,
    cast(rows.start_date as date) as start_date,
    cast(rows.end_date as date) as end_date,
    rows.hours,
    rows.result,
    {{ lineage_columns('rows') }}
from {{ source('raw', 'professional_development') }} as rows
{{ join_resolved_names('rows') }}
