-- The words of a cycle's analytical note that are not numbers: purpose and method (report_texts seed, after
-- seed 000). Measures are printed only where a rule triggers them: see mart_recommendation.
with texts as (
    select
        windows.monitoring_id,
        texts.text_kind,
        texts.text_order,
        texts.text
    from {{ ref('int_monitoring_windows') }} as windows
    inner join {{ ref('report_texts') }} as texts
        on windows.form_id = texts.form_id
)

{{ with_monitoring_window('texts') }}
