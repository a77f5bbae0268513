-- Who has submitted in each monitoring window: every municipality of the monitoring's region, with
-- its current (latest accepted) version, how many versions arrived, and whether it came late.
-- Published as computed in int_submission_status (its SQL and unit tests are there), which intermediate models
-- read: nothing below the marts reads a mart.
select * from {{ ref('int_submission_status') }}
