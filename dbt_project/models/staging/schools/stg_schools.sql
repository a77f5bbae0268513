select
    school_code,
    school_name,
    municipality_oktmo,
    inn,
    ogrn,
    source_file,
    source_sha256,
    source_row
from {{ source('raw', 'schools') }}
