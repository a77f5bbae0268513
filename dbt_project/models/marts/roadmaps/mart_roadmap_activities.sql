-- Each catalogue activity across the region's municipalities as of the close of each monitoring window:
-- in how many roadmaps it is, how many of its due dates passed, were done on time, late or without
-- evidence, and in how many municipalities it was late or without evidence — the activities the regional
-- note names. The municipalities' own activities (not in the catalogue) are one row without a code.
with activities as (
    select
        monitoring_id,
        as_of_date,
        roadmap_year,
        activity_code,
        max(catalogue_activity) as catalogue_activity,
        cast(count(distinct municipality_oktmo) as integer) as municipalities_planned,
        cast(sum(case when due_date <= as_of_date then 1 else 0 end) as integer) as due_dates_passed,
        cast(sum(case when status = 'on_time' and due_date <= as_of_date then 1 else 0 end) as integer) as done_on_time,
        cast(sum(case when status = 'late' then 1 else 0 end) as integer) as done_late,
        cast(sum(case when status = 'missing' then 1 else 0 end) as integer) as missing,
        cast(count(distinct case when status = 'late' then municipality_oktmo end) as integer) as municipalities_late,
        cast(count(distinct case when status = 'missing' then municipality_oktmo end) as integer) as municipalities_missing
    from {{ ref('mart_roadmap_status') }}
    group by monitoring_id, as_of_date, roadmap_year, activity_code
)

{{ with_monitoring_window('activities') }}
