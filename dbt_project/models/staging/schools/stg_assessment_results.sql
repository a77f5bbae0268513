-- Rows as read, with municipality and school as resolved before this build (identity.school_names): the
-- reader's own guess is kept for lineage only, so a registry or a decision that came later applies here.
select
    rows.procedure as assessment_procedure,
    cast(rows.year as integer) as assessment_year,
    rows.subject,
    cast(rows.grade as integer) as grade,
    {{ resolved_name_columns('rows') }},
    rows.school_ogrn,
    rows.metric,
    rows.value as metric_value,
    rows.source_cell,
    {{ lineage_columns('rows') }}
from {{ source('raw', 'assessment_results') }} as rows
{{ join_resolved_names('rows') }}
