-- The rows of each municipality's current roadmap for a year: the latest file that was not refused (a
-- corrected roadmap replaces the one before it, as a resubmitted form does).
with ranked as (
    {{ rows_ranked_by_latest_file('stg_roadmap_items') }}
)

select
    municipality_oktmo,
    roadmap_year,
    activity_number,
    activity_text,
    activity_code,
    match_score,
    document_text,
    schedule_text,
    periodicity,
    due_date,
    responsible_people,
    source_file,
    source_sha256
from ranked
where file_rank = 1
  and activity_number is not null
