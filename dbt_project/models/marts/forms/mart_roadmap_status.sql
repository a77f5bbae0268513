-- Roadmap activities (seed 001's structure, roadmap_activities seed) due in each monitoring cycle per
-- municipality, with evidence of completion where the municipality's submission reports it. A cycle covers
-- the days after the region's previous window closed (from 1 January for the first) up to its own close.
-- Due dates: the last day of the activity's month (once) or of each month of its periodicity; activities
-- «по графику» have no fixed date and are listed once per cycle without one.
with calendar as (
    select
        monitoring_id,
        region_code,
        window_close,
        coalesce(
            lag(window_close) over (partition by region_code order by window_close, monitoring_id),
            cast(make_date(cast(extract(year from window_close) as integer), 1, 1) as date) - 1
        ) as period_after
    from {{ ref('stg_monitoring_calendar') }}
    where form_id is not null and monitoring_level = 'municipality'  -- windows of municipal forms
),

activity_months as (
    select activities.activity_number, cast(activities.due_month as integer) as due_month
    from {{ ref('roadmap_activities') }} as activities
    where activities.periodicity = 'once'
    union all
    select activities.activity_number, periodicities.due_month
    from {{ ref('roadmap_activities') }} as activities
    inner join {{ ref('roadmap_periodicities') }} as periodicities
        on activities.periodicity = periodicities.periodicity
),

occurrences as (
    select
        calendar.monitoring_id,
        calendar.region_code,
        activity_months.activity_number,
        cast(make_date(cast(years.calendar_year as integer), activity_months.due_month, 1)
             + interval '1 month' - interval '1 day' as date) as due_date,
        calendar.period_after,
        calendar.window_close
    from calendar
    cross join activity_months
    cross join (
        select distinct cast(extract(year from window_close) as integer) as calendar_year from calendar
        union
        select distinct cast(extract(year from window_close) as integer) - 1 from calendar
    ) as years
),

due as (
    select monitoring_id, region_code, activity_number, due_date
    from occurrences
    where due_date > period_after and due_date <= window_close
    union all
    select calendar.monitoring_id, calendar.region_code, activities.activity_number, cast(null as date)
    from calendar
    cross join {{ ref('roadmap_activities') }} as activities
    where activities.periodicity not in (select periodicity from {{ ref('roadmap_periodicities') }})
      and activities.periodicity <> 'once'
),

municipalities as (
    select regions.region_code, dim.municipality_oktmo, dim.municipality_name
    from {{ ref('ref_regions') }} as regions
    inner join {{ ref('dim_municipality') }} as dim
        on dim.oktmo_region_code = regions.oktmo_prefix
)

select
    due.monitoring_id,
    municipalities.municipality_oktmo,
    municipalities.municipality_name,
    activities.activity_number,
    activities.activity,
    activities.document,
    activities.schedule_text,
    activities.responsible_service,
    due.due_date,
    activities.evidence_indicator,
    scores.score as evidence_score,
    case
        when scores.score is null then 'нет данных'
        when scores.score > 0 then 'подтверждено отчётом МО'
        else 'не подтверждено'
    end as evidence_status
from due
inner join municipalities
    on due.region_code = municipalities.region_code
inner join {{ ref('roadmap_activities') }} as activities
    on due.activity_number = activities.activity_number
left join {{ ref('int_indicator_scores') }} as scores
    on scores.monitoring_id = due.monitoring_id
   and scores.municipality_oktmo = municipalities.municipality_oktmo
   and scores.indicator_code = activities.evidence_indicator
