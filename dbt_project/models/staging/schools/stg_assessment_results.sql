-- Rows as read, with municipality and school as resolved before this build (identity.school_names): the
-- reader's own guess is kept for lineage only, so a registry or a decision that came later applies here. The
-- written key is compared with empty text for none on both sides (a copy to PostgreSQL turns '' into null).
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
left join {{ source('identity', 'school_names') }} as names
    on coalesce(rows.municipality_name_raw, '') = coalesce(names.municipality_name_raw, '')
   and coalesce(rows.municipality_oktmo, '') = coalesce(names.municipality_oktmo_read, '')
   and coalesce(rows.school_name_raw, '') = coalesce(names.school_name_raw, '')
   and coalesce(rows.school_code, '') = coalesce(names.school_code_read, '')
