-- Schools per year of ОО-1 context: codes, municipality, level, urban/rural, size and context variables; and the
-- schools the results name that the registry does not have (is_registered false: no ОО-1 year, no context).
-- Published as computed in int_schools (its SQL and unit tests are there), which intermediate models
-- read: nothing below the marts reads a mart.
select * from {{ ref('int_schools') }}
