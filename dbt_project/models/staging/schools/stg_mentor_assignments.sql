-- People appear only as pseudonymous ids; their names live in the restricted schema, which no model reads.
select
    person_id,
    role as mentor_role,
    cast(year as integer) as assignment_year,
    municipality_oktmo,
    school_name_raw,
    school_code,
    match_score,
    own_school_code,
    cast(visits as integer) as visits,
    risk_programme,
    cast(medk_date as date) as medk_date,
    source_file,
    source_sha256,
    source_sheet,
    source_row,
    {{ source_row_id() }} as source_row_id
from {{ source('raw', 'mentor_assignments') }}
