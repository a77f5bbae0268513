-- The school-level form that counts for each school and monitoring: the latest accepted version
-- (macros/latest_files.sql, the rule municipal forms share). Earlier versions stay in raw; a refused
-- resubmission never replaces an accepted one.
{{ latest_accepted_submissions('school_code') }}
