-- Reports on a roadmap's execution as read: per activity and due date, what was done and the document
-- that evidences it.
select
    municipality_oktmo,
    cast(report_year as integer) as report_year,
    cast(activity_number as integer) as activity_number,
    activity_text,
    activity_code,
    match_score,
    due_text,
    cast(due_date as date) as due_date,
    done_text,
    cast(done_date as date) as done_date,
    document_kind,
    document_text,
    document_number,
    cast(document_date as date) as document_date,
    document_link,
    source_file,
    source_sha256,
    source_sheet,
    source_row,
    {{ source_row_id() }} as source_row_id
from {{ source('raw', 'roadmap_reports') }}
