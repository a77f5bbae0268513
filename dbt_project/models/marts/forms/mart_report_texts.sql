-- The words of a cycle's analytical note that are not numbers: purpose and method (report_texts seed, after
-- seed 000). Measures are printed only where a rule triggers them: see mart_recommendation.
select
    calendar.monitoring_id,
    texts.text_kind,
    texts.text_order,
    texts.text
from {{ ref('stg_monitoring_calendar') }} as calendar
inner join {{ ref('report_texts') }} as texts
    on calendar.form_id = texts.form_id
