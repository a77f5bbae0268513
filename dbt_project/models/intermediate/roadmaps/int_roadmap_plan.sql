-- Each municipality's roadmap activities of a year, one row per activity as the municipality numbered it:
-- its catalogue activity where the wording matched, and the periodicity that sets its due dates — its own
-- schedule's, else (a blank or unrecognised schedule) the catalogue's, else by the end of the year — and
-- whether its own schedule differs from the catalogue's.
with activities as (
    select
        municipality_oktmo,
        roadmap_year,
        activity_number,
        max(activity_text) as activity_text,
        max(activity_code) as activity_code,
        max(match_score) as match_score,
        max(document_text) as document_text,
        max(schedule_text) as schedule_text,
        max(periodicity) as own_periodicity,
        count(due_date) as named_dates,
        max(source_file) as source_file
    from {{ ref('int_roadmap_current_items') }}
    group by municipality_oktmo, roadmap_year, activity_number
)

select
    activities.municipality_oktmo,
    activities.roadmap_year,
    activities.activity_number,
    activities.activity_text,
    activities.activity_code,
    catalogue.activity as catalogue_activity,
    activities.match_score,
    activities.document_text,
    activities.schedule_text,
    activities.own_periodicity,
    catalogue.periodicity as catalogue_periodicity,
    coalesce(activities.own_periodicity, catalogue.periodicity, 'calendar_year') as periodicity,
    case when activities.own_periodicity is null then catalogue.due_month end as catalogue_due_month,
    activities.named_dates,
    -- the municipality's own schedule differs from the catalogue's; dates named for an activity the
    -- catalogue holds «по графику» are its schedule, not a different periodicity
    coalesce(activities.own_periodicity <> catalogue.periodicity
             and not (catalogue.periodicity = 'as_scheduled' and activities.own_periodicity = 'once'), false)
        as periodicity_differs,
    activities.activity_code is null as is_extra,
    activities.source_file
from activities
left join {{ ref('roadmap_catalogue') }} as catalogue
    on activities.activity_code = catalogue.activity_code
