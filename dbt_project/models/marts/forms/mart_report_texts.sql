-- The words of a cycle's analytical note that are not numbers: purpose, method and the measures with their
-- deadlines (report_texts seed, after seed 000). A measure's deadline is the window's close plus its months.
select
    calendar.monitoring_id,
    texts.text_kind,
    texts.text_order,
    texts.text,
    case
        when texts.months_after_close is not null
            then cast(calendar.window_close + texts.months_after_close * interval '1 month' as date)
    end as due_date
from {{ ref('stg_monitoring_calendar') }} as calendar
inner join {{ ref('report_texts') }} as texts
    on calendar.form_id = texts.form_id
