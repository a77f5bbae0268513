-- Each monitoring window with its year and dates: the one place a mart takes them from (the macro
-- with_monitoring_window joins it to every mart that has a monitoring_id), so "the year of a monitoring" means the
-- same everywhere — the year its window opens.
select
    monitoring_id,
    region_code,
    form_id,
    monitoring_level,
    window_kind,
    cast(extract(year from window_open) as integer) as monitoring_year,
    window_open,
    window_close
from {{ ref('stg_monitoring_calendar') }}
