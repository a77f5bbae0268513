-- What the municipalities reported on their roadmaps (report files not refused), each report row tied to
-- the activity of the municipality's roadmap it reports on — by the number the activity has in the roadmap,
-- else by its catalogue activity — and to the due date it reports for: the one whose period holds the
-- deadline the row names, else the date of its evidence; evidence after the last due date counts for the
-- last. A row is evidence only when it names a document with its number, date or link; "done" without a
-- document is kept (reported_without_document in the marts) but proves nothing. Nothing but these reports
-- is evidence: no indicator of a monitoring form is read here.
with reports as (
    select
        reports.*,
        cast(files.received_at as date) as received_on
    from {{ ref('stg_roadmap_reports') }} as reports
    inner join {{ ref('stg_files') }} as files
        on reports.source_sha256 = files.source_sha256
    where files.file_status <> 'rejected'
),

codes as (
    select municipality_oktmo, roadmap_year, activity_code, min(activity_number) as activity_number
    from {{ ref('int_roadmap_plan') }}
    where activity_code is not null
    group by municipality_oktmo, roadmap_year, activity_code
),

linked as (
    select
        reports.*,
        coalesce(numbered.activity_number, coded.activity_number) as plan_activity_number,
        (reports.document_text is not null or reports.document_link is not null)
            and (reports.document_number is not null or reports.document_date is not null
                 or reports.document_link is not null) as is_evidence,
        coalesce(reports.document_date, reports.done_date, reports.received_on) as evidence_date
    from reports
    left join {{ ref('int_roadmap_plan') }} as numbered
        on reports.municipality_oktmo = numbered.municipality_oktmo
       and reports.report_year = numbered.roadmap_year
       and reports.activity_number = numbered.activity_number
    left join codes as coded
        on reports.municipality_oktmo = coded.municipality_oktmo
       and reports.report_year = coded.roadmap_year
       and reports.activity_code = coded.activity_code
       and numbered.activity_number is null
)

select
    linked.municipality_oktmo,
    linked.report_year,
    linked.plan_activity_number,
    due.due_date,
    linked.activity_number as reported_activity_number,
    linked.activity_code,
    linked.due_date as reported_due_date,
    linked.is_evidence,
    linked.evidence_date,
    linked.document_kind,
    linked.document_number,
    linked.document_date,
    linked.document_link is not null as has_document_link,
    linked.received_on,
    linked.source_file,
    linked.source_sha256,
    linked.source_row
from linked
left join {{ ref('int_roadmap_due_dates') }} as due
    on linked.municipality_oktmo = due.municipality_oktmo
   and linked.report_year = due.roadmap_year
   and linked.plan_activity_number = due.activity_number
   and (
        due.due_date is null
        or ((due.previous_due_date is null
             or coalesce(linked.due_date, linked.evidence_date) > due.previous_due_date)
            and (coalesce(linked.due_date, linked.evidence_date) <= due.due_date or due.is_last))
   )
