-- The school year a monitoring reads lists and results of: the latest year, not after the year its window
-- closes, for which the monitoring's region has school lists or computed identification. Monitorings of a
-- region without school data have none (their list-based rules and checks stay silent).
with calendar as (
    select
        calendar.monitoring_id,
        calendar.form_id,
        calendar.window_open,
        calendar.window_close,
        regions.oktmo_prefix
    from {{ ref('stg_monitoring_calendar') }} as calendar
    inner join {{ ref('ref_regions') }} as regions
        on calendar.region_code = regions.region_code
),

school_years as (
    select substr(registry.municipality_oktmo, 1, 2) as oktmo_prefix, lists.list_year as school_year
    from {{ ref('int_school_list_membership') }} as lists
    inner join {{ ref('int_current_schools') }} as registry
        on lists.school_code = registry.school_code
    union
    select substr(municipality_oktmo, 1, 2), result_year
    from {{ ref('int_school_identification') }}
),

next_windows as (
    select
        calendar.monitoring_id,
        min(later.window_open) as next_window_open
    from {{ ref('stg_monitoring_calendar') }} as later
    inner join calendar
        on later.form_id = calendar.form_id
       and later.window_open > calendar.window_close
       and later.monitoring_id <> calendar.monitoring_id
    inner join {{ ref('ref_regions') }} as regions
        on later.region_code = regions.region_code
       and regions.oktmo_prefix = calendar.oktmo_prefix
    group by calendar.monitoring_id
)

select
    calendar.monitoring_id,
    calendar.oktmo_prefix,
    calendar.window_close,
    cast(extract(year from calendar.window_close) as integer) as monitoring_year,
    next_windows.next_window_open,
    max(school_years.school_year) as school_year
from calendar
left join school_years
    on calendar.oktmo_prefix = school_years.oktmo_prefix
   and school_years.school_year <= extract(year from calendar.window_close)
left join next_windows
    on calendar.monitoring_id = next_windows.monitoring_id
group by calendar.monitoring_id, calendar.oktmo_prefix, calendar.window_close, next_windows.next_window_open
