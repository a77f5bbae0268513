select
    school_code,
    school_name,
    municipality_oktmo,
    inn,
    ogrn,
    source_file,
    source_sha256,
    source_sheet,
    source_row,
    {{ source_row_id() }} as source_row_id
from {{ source('raw', 'schools') }}
