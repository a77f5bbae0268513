-- The ШНОР list computed by the regional methodology, per school and year, with its exit rule and its cusp
-- (after Tennessee's accountability lists): a school identified in a year enters the list; it leaves only after
-- shnor_exit_cycles consecutive years above the threshold (not identified), so it is on the list while fewer
-- years than that have passed since it was last identified. The identification threshold of a cluster is the
-- highest ИОР the lowest-ИОР rule identifies there that year; a school off the list whose ИОР lies at most
-- shnor_cusp_band above it is «близкая к низким результатам», with its distance. Status compares with the
-- previous year's list and is empty in the first loaded year of the region.
-- Published as computed in int_shnor_list_status (its SQL and unit tests are there), which intermediate models
-- read: nothing below the marts reads a mart.
select * from {{ ref('int_shnor_list_status') }}
