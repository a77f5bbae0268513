-- Every due date of each roadmap activity in its year: the dates its schedule names; for a periodicity,
-- the last day of each of its months (seed roadmap_periodicities); for a blank schedule of a one-off
-- catalogue activity, the last day of the catalogue's month. «По мере необходимости» has no due date: one
-- row without a date. A due date's period runs from the day after the previous due date (the first from
-- 1 January) up to itself: the evidence dated in it belongs to it (int_roadmap_evidence).
with dates as (
    select municipality_oktmo, roadmap_year, activity_number, due_date
    from {{ ref('int_roadmap_current_items') }}
    where due_date is not null
    union all
    select plan.municipality_oktmo, plan.roadmap_year, plan.activity_number,
           {{ month_end('plan.roadmap_year', 'periodicities.due_month') }}
    from {{ ref('int_roadmap_plan') }} as plan
    inner join {{ ref('roadmap_periodicities') }} as periodicities
        on plan.periodicity = periodicities.periodicity
    where plan.named_dates = 0
    union all
    select municipality_oktmo, roadmap_year, activity_number, {{ month_end('roadmap_year', 'catalogue_due_month') }}
    from {{ ref('int_roadmap_plan') }}
    where named_dates = 0 and periodicity = 'once' and catalogue_due_month is not null
    union all
    select municipality_oktmo, roadmap_year, activity_number, cast(null as date)
    from {{ ref('int_roadmap_plan') }}
    where named_dates = 0 and periodicity = 'as_needed'
),

distinct_dates as (
    select distinct municipality_oktmo, roadmap_year, activity_number, due_date
    from dates
)

select
    distinct_dates.municipality_oktmo,
    distinct_dates.roadmap_year,
    distinct_dates.activity_number,
    distinct_dates.due_date,
    lag(distinct_dates.due_date) over (
        partition by distinct_dates.municipality_oktmo, distinct_dates.roadmap_year, distinct_dates.activity_number
        order by distinct_dates.due_date
    ) as previous_due_date,
    row_number() over (
        partition by distinct_dates.municipality_oktmo, distinct_dates.roadmap_year, distinct_dates.activity_number
        order by distinct_dates.due_date
    ) as occurrence_number,
    row_number() over (
        partition by distinct_dates.municipality_oktmo, distinct_dates.roadmap_year, distinct_dates.activity_number
        order by distinct_dates.due_date desc
    ) = 1 as is_last,
    plan.activity_text,
    plan.activity_code,
    plan.catalogue_activity,
    plan.periodicity,
    plan.is_extra
from distinct_dates
inner join {{ ref('int_roadmap_plan') }} as plan
    on distinct_dates.municipality_oktmo = plan.municipality_oktmo
   and distinct_dates.roadmap_year = plan.roadmap_year
   and distinct_dates.activity_number = plan.activity_number
