-- What each school reported in a school-level form: per indicator of the form, the value (a presence
-- indicator: how many of its sub-items are marked 1, "*" counting as 0; a count: the number), its maximum
-- (the number of sub-items) and share, and for a presence indicator whether any sub-item is marked (a resource
-- deficit, a risk factor). Only each school's current version counts; scoring is macros/form_scores.sql's.
with current_values as (
    select
        submission_values.*,
        current_submissions.is_demo
    from {{ ref('stg_submission_values') }} as submission_values
    inner join {{ ref('int_current_school_submissions') }} as current_submissions
        on submission_values.source_sha256 = current_submissions.source_sha256
),

unit_scores as (
    {{ unit_indicator_scores('current_values', carry=['school_code', 'is_demo']) }}
),

scores as (
    {{ indicator_scores('unit_scores', carry=['school_code', 'is_demo']) }}
),

school_values as (
    select
        scores.monitoring_id,
        scores.form_id,
        scores.municipality_oktmo,
        municipalities.municipality_name,
        scores.school_code,
        registry.school_name,
        maxima.section_code,
        maxima.section_order,
        maxima.section_title,
        maxima.indicator_code,
        maxima.indicator_number,
        maxima.indicator_label,
        maxima.indicator_kind,
        scores.score as indicator_value,
        maxima.max_score,
        scores.score / nullif(maxima.max_score, 0) as share_of_max,
        case when maxima.indicator_kind = 'presence' then scores.score > 0 end as is_marked,
        scores.is_demo,
        scores.source_sha256
    from scores
    inner join {{ ref('int_form_indicators') }} as maxima
        on scores.form_id = maxima.form_id
       and scores.indicator_code = maxima.indicator_code
    left join {{ ref('int_current_schools') }} as registry
        on scores.school_code = registry.school_code
    left join {{ ref('int_current_municipalities') }} as municipalities
        on scores.municipality_oktmo = municipalities.municipality_oktmo
)

{{ with_monitoring_window('school_values') }}
