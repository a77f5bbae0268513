-- The previous cycle of each monitoring: the latest earlier window of the same region and form.
select
    monitoring_id,
    region_code,
    form_id,
    window_open,
    lag(monitoring_id) over (partition by region_code, form_id order by window_open) as previous_monitoring_id
from {{ ref('stg_monitoring_calendar') }}
where form_id is not null
