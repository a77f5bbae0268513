-- Rows as read, with municipality and school as resolved before this build (identity.school_names, macro
-- join_resolved_names): the reader's own guess is kept for lineage only (school_code_read), so a registry, an
-- alias or a person's decision that came later applies here on the next build, without reading the file again.
select
    rows.list_kind,
    cast(rows.year as integer) as list_year,
    names.municipality_oktmo,
    rows.municipality_name_raw,
    rows.school_name_raw,
    names.school_key as school_code,
    names.is_registered,
    names.status as identity_status,
    names.needs_review as needs_name_review,
    rows.school_code as school_code_read,
    names.score as match_score,
    rows.source_file,
    rows.source_sha256,
    rows.source_sheet,
    rows.source_row,
    {{ source_row_id('rows') }} as source_row_id
from {{ source('raw', 'school_lists') }} as rows
{{ join_resolved_names('rows') }}
