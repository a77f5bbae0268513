-- Each municipality's roadmap as of the close of each monitoring window of its region: whether it sent a
-- roadmap and reports, how its plan compares with the catalogue (activities left out, its own extra ones,
-- periodicities other than the catalogue's), and how many due dates passed with the activity done on time,
-- late or without evidence (from mart_roadmap_status: reported evidence only); completion is the share of
-- due dates done, on time or late, and the region's is its municipalities' due dates summed.
with cycles as (
    {{ form_window_closes() }}
),

municipalities as (
    {{ region_municipalities() }}
),

plans as (
    select
        municipality_oktmo,
        roadmap_year,
        max(source_file) as roadmap_file,
        cast(count(*) as integer) as activities_planned,
        cast(count(distinct activity_code) as integer) as catalogue_activities_planned,
        cast(sum(case when is_extra then 1 else 0 end) as integer) as extra_activities,
        cast(sum(case when periodicity_differs then 1 else 0 end) as integer) as periodicities_changed
    from {{ ref('int_roadmap_plan') }}
    group by municipality_oktmo, roadmap_year
),

reports as (
    select municipality_oktmo, report_year, cast(count(distinct source_sha256) as integer) as report_files
    from {{ ref('int_roadmap_evidence') }}
    group by municipality_oktmo, report_year
),

statuses as (
    select
        monitoring_id,
        municipality_oktmo,
        cast(sum(case when due_date <= as_of_date then 1 else 0 end) as integer) as due_dates_passed,
        cast(sum(case when status = 'on_time' and due_date <= as_of_date then 1 else 0 end) as integer) as done_on_time,
        cast(sum(case when status = 'late' then 1 else 0 end) as integer) as done_late,
        cast(sum(case when status = 'missing' then 1 else 0 end) as integer) as missing,
        cast(sum(case when due_date > as_of_date then 1 else 0 end) as integer) as not_due_yet,
        cast(sum(case when status = 'on_time' and due_date > as_of_date then 1 else 0 end) as integer) as done_ahead,
        cast(sum(case when due_date is null then 1 else 0 end) as integer) as as_needed,
        cast(sum(case when due_date is null and status = 'on_time' then 1 else 0 end) as integer) as as_needed_done,
        cast(sum(case when reported_without_document then 1 else 0 end) as integer) as reported_without_document
    from {{ ref('mart_roadmap_status') }}
    group by monitoring_id, municipality_oktmo
),

catalogue as (
    select cast(count(*) as integer) as catalogue_activities from {{ ref('roadmap_catalogue') }}
),

rows_of_cycle as (
    select
        cycles.monitoring_id,
        cycles.as_of_date,
        cycles.roadmap_year,
        municipalities.municipality_oktmo,
        municipalities.municipality_name,
        plans.municipality_oktmo is not null as has_roadmap,
        plans.roadmap_file,
        coalesce(reports.report_files, 0) as report_files,
        coalesce(plans.activities_planned, 0) as activities_planned,
        coalesce(plans.catalogue_activities_planned, 0) as catalogue_activities_planned,
        catalogue.catalogue_activities - coalesce(plans.catalogue_activities_planned, 0) as catalogue_activities_missing,
        coalesce(plans.extra_activities, 0) as extra_activities,
        coalesce(plans.periodicities_changed, 0) as periodicities_changed,
        coalesce(statuses.due_dates_passed, 0) as due_dates_passed,
        coalesce(statuses.done_on_time, 0) as done_on_time,
        coalesce(statuses.done_late, 0) as done_late,
        coalesce(statuses.missing, 0) as missing,
        coalesce(statuses.not_due_yet, 0) as not_due_yet,
        coalesce(statuses.done_ahead, 0) as done_ahead,
        coalesce(statuses.as_needed, 0) as as_needed,
        coalesce(statuses.as_needed_done, 0) as as_needed_done,
        coalesce(statuses.reported_without_document, 0) as reported_without_document
    from cycles
    inner join municipalities
        on cycles.region_code = municipalities.region_code
    cross join catalogue
    left join plans
        on plans.municipality_oktmo = municipalities.municipality_oktmo
       and plans.roadmap_year = cycles.roadmap_year
    left join reports
        on reports.municipality_oktmo = municipalities.municipality_oktmo
       and reports.report_year = cycles.roadmap_year
    left join statuses
        on statuses.monitoring_id = cycles.monitoring_id
       and statuses.municipality_oktmo = municipalities.municipality_oktmo
),

region as (
    select
        monitoring_id,
        cast(sum(done_on_time + done_late) as double precision) / nullif(sum(due_dates_passed), 0)
            as region_completion_share,
        cast(sum(done_on_time) as double precision) / nullif(sum(due_dates_passed), 0) as region_on_time_share
    from rows_of_cycle
    group by monitoring_id
),

completion as (
    select
        rows_of_cycle.*,
        cast(done_on_time + done_late as double precision) / nullif(due_dates_passed, 0) as completion_share,
        cast(done_on_time as double precision) / nullif(due_dates_passed, 0) as on_time_share,
        region.region_completion_share,
        region.region_on_time_share
    from rows_of_cycle
    inner join region
        on rows_of_cycle.monitoring_id = region.monitoring_id
)

{{ with_monitoring_window('completion') }}
