-- Professional development and participation in events per person (pseudonymous ids only).
select
    person_id,
    cast(event_year as integer) as event_year,
    municipality_oktmo,
    school_name_raw,
    school_code,
    match_score,
    event_kind,
    event_title,
    cast(start_date as date) as start_date,
    cast(end_date as date) as end_date,
    hours,
    result,
    source_file,
    source_sha256,
    source_sheet,
    source_row,
    {{ source_row_id() }} as source_row_id
from {{ source('raw', 'professional_development') }}
