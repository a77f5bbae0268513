select
    list_kind,
    cast(year as integer) as list_year,
    municipality_oktmo,
    school_name_raw,
    school_code,
    match_score,
    source_file,
    source_sha256,
    source_sheet,
    source_row,
    {{ source_row_id() }} as source_row_id
from {{ source('raw', 'school_lists') }}
