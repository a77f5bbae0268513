-- A municipality's roadmap as read: one row per activity and date its schedule names (no date: a
-- periodicity, whose dates are the seed roadmap_periodicities). People responsible appear as ids only.
select
    municipality_oktmo,
    cast(roadmap_year as integer) as roadmap_year,
    cast(activity_number as integer) as activity_number,
    activity_text,
    activity_code,
    match_score,
    document_text,
    schedule_text,
    periodicity,
    cast(due_date as date) as due_date,
    responsible_text,
    cast(responsible_people as integer) as responsible_people,
    source_file,
    source_sha256,
    source_sheet,
    source_row,
    {{ source_row_id() }} as source_row_id
from {{ source('raw', 'roadmap_items') }}
