select
    procedure as assessment_procedure,
    cast(year as integer) as assessment_year,
    subject,
    cast(grade as integer) as grade,
    municipality_oktmo,
    school_name_raw,
    school_code,
    school_ogrn,
    match_score,
    metric,
    value as metric_value,
    source_file,
    source_sha256,
    source_sheet,
    source_row,
    source_cell,
    {{ source_row_id() }} as source_row_id
from {{ source('raw', 'assessment_results') }}
