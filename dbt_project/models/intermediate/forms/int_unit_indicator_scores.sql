-- Score of each indicator for each unit scored (the municipality as a whole, or one ШНОР / mentor
-- where the form has a column per unit): the sum of its sub-items. Items marked "*" count as 0.
-- The scoring is macros/form_scores.sql's (shared with Python); only current submissions count.
with current_values as (
    select
        submission_values.*,
        current_submissions.is_demo
    from {{ ref('stg_submission_values') }} as submission_values
    inner join {{ ref('int_current_submissions') }} as current_submissions
        on submission_values.source_sha256 = current_submissions.source_sha256
)

{{ unit_indicator_scores('current_values', carry=['is_demo']) }}
