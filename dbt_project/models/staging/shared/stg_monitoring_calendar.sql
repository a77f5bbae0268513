select
    monitoring_id,
    region_code,
    track,
    title as monitoring_title,
    nullif(form_id, '') as form_id,
    cast(window_open as date) as window_open,
    cast(window_close as date) as window_close,
    grace_days,
    level as monitoring_level,
    kind as window_kind,
    nullif(school_group, '') as school_group,
    series_id,
    source_file,
    source_line
from {{ source('raw', 'monitoring_calendar') }}
