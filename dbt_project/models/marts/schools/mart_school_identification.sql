-- ШНОР by the regional methodology per school and year, beside the published lists: ИОР and its place in
-- the context cluster, the risk rule, the federal list, «500+», the biased-results flag, mentoring, and
-- the reasons in words. A school on ФИОКО's biased-results list is flagged, never silently kept or dropped.
-- Published as computed in int_school_identification (its SQL and unit tests are there), which intermediate models
-- read: nothing below the marts reads a mart.
select * from {{ ref('int_school_identification') }}
