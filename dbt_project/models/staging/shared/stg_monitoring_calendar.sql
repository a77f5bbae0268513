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
    source_file
from {{ source('raw', 'monitoring_calendar') }}
