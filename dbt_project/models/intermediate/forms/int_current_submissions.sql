-- The municipal form that counts for each municipality and monitoring: the latest accepted version
-- (macros/latest_files.sql, the rule school-level forms share). Earlier versions stay in raw (full history); a
-- rejected resubmission never replaces an accepted one. School-level forms count per school:
-- int_current_school_submissions.
{{ latest_accepted_submissions('municipality_oktmo') }}
