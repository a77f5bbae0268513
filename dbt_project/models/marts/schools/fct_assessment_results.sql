-- Results per school, procedure, subject, grade and year: participants, share of low marks (2 in ВПР,
-- below the minimum in ОГЭ/ЕГЭ) and the mean mark or score. Cells with fewer participants than the
-- methodology's min_participants are statistically unreliable: kept, marked suppressed, metrics unknown.
-- Only files that were not refused count; when a school's cell arrived in several files, the latest
-- received one wins (a corrected table replaces the first; regions' files never displace each other).
-- A school is the registry's (its code) or unregistered (key «u-…», is_registered false): both count; a name
-- still waiting for a person's decision has no key and waits in review (identity.school_names).
-- Published as computed in int_assessment_results (its SQL and unit tests are there), which intermediate models
-- read: nothing below the marts reads a mart.
select * from {{ ref('int_assessment_results') }}
