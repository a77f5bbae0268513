-- Rows as read, with municipality and school as resolved before this build (identity.school_names, macro
-- join_resolved_names): the reader's own guess is kept for lineage only (school_code_read), so a registry, an
-- alias or a person's decision that came later applies here on the next build, without reading the file again.
select
    rows.list_kind,
    cast(rows.year as integer) as list_year,
    {{ resolved_name_columns('rows') }},
    {{ lineage_columns('rows') }}
from {{ source('raw', 'school_lists') }} as rows
{{ join_resolved_names('rows') }}
