-- The region's municipalities as the ОКТМО reference lists them, one row per version of a municipality (its
-- name and kind from valid_from to valid_to). is_current marks one row per ОКТМО: the version in force today,
-- or, for a municipality none of whose versions is in force today (abolished, or only a future one listed),
-- the one with the latest valid_from.
-- Published as computed in int_municipalities (its SQL and unit tests are there), which intermediate models
-- read: nothing below the marts reads a mart.
select * from {{ ref('int_municipalities') }}
