select
    source_sha256,
    source_kind,
    source_file,
    received_at,
    monitoring_id,
    municipality_oktmo,
    school_code,
    data_year,
    is_demo,
    status as file_status
from {{ source('raw', 'files') }}
