-- Rows as read, with municipality and school as resolved before this build (identity.school_names): the
-- reader's own guess is kept for lineage only, so a registry or a decision that came later applies here.
select
    rows.procedure as assessment_procedure,
    cast(rows.year as integer) as assessment_year,
    rows.subject,
    cast(rows.grade as integer) as grade,
    names.municipality_oktmo,
    rows.municipality_name_raw,
    rows.school_name_raw,
    names.school_key as school_code,
    names.is_registered,
    names.status as identity_status,
    names.needs_review as needs_name_review,
    rows.school_code as school_code_read,
    rows.school_ogrn,
    names.score as match_score,
    rows.metric,
    rows.value as metric_value,
    rows.source_file,
    rows.source_sha256,
    rows.source_sheet,
    rows.source_row,
    rows.source_cell,
    {{ source_row_id('rows') }} as source_row_id
from {{ source('raw', 'assessment_results') }} as rows
{{ join_resolved_names('rows') }}
