-- The ШНОР list computed by the regional methodology, per school and year, with its exit rule and its cusp
-- (after Tennessee's accountability lists): a school identified in a year enters the list; it leaves only after
-- shnor_exit_cycles consecutive years above the threshold (not identified), so it is on the list while fewer
-- years than that have passed since it was last identified. The identification threshold of a cluster is the
-- highest ИОР the lowest-ИОР rule identifies there that year; a school off the list whose ИОР lies at most
-- shnor_cusp_band above it is «близкая к низким результатам», with its distance. Status compares with the
-- previous year's list and is empty in the first loaded year of the region.
with schools as (
    select
        identification.*,
        substr(identification.municipality_oktmo, 1, 2) as region_prefix
    from {{ ref('int_school_identification') }} as identification
),

thresholds as (
    select region_prefix, result_year, cluster_code, max(ior) as threshold_ior
    from schools
    where is_lowest_ior
    group by region_prefix, result_year, cluster_code
),

years as (
    select distinct region_prefix, result_year from schools
),

identified as (
    select school_code, result_year from schools where is_regional_shnor
),

last_identified as (
    select
        schools.school_code,
        schools.result_year,
        max(case when identified.result_year <= schools.result_year then identified.result_year end)
            as last_identified_year,
        max(case when identified.result_year <= schools.result_year - 1 then identified.result_year end)
            as last_identified_before
    from schools
    left join identified
        on schools.school_code = identified.school_code
    group by schools.school_code, schools.result_year
),

listed as (
    select
        schools.school_code,
        schools.result_year,
        schools.region_prefix,
        schools.school_name,
        schools.municipality_oktmo,
        schools.municipality_name,
        schools.cluster_code,
        schools.cluster_name,
        schools.ior,
        schools.is_regional_shnor as is_identified,
        thresholds.threshold_ior,
        schools.ior - thresholds.threshold_ior as distance_to_threshold,
        last_identified.last_identified_year,
        schools.result_year - last_identified.last_identified_year as years_since_identified,
        coalesce(schools.result_year - last_identified.last_identified_year < {{ letter_threshold('shnor_exit_cycles') }},
                 false) as is_on_list,
        coalesce(schools.result_year - 1 - last_identified.last_identified_before
                 < {{ letter_threshold('shnor_exit_cycles') }}, false) as was_on_list,
        previous_year.result_year is not null as has_previous_year
    from schools
    inner join last_identified
        on schools.school_code = last_identified.school_code
       and schools.result_year = last_identified.result_year
    left join thresholds
        on schools.region_prefix = thresholds.region_prefix
       and schools.result_year = thresholds.result_year
       and schools.cluster_code = thresholds.cluster_code
    left join years as previous_year
        on schools.region_prefix = previous_year.region_prefix
       and previous_year.result_year = schools.result_year - 1
)

select
    school_code,
    result_year,
    school_name,
    municipality_oktmo,
    municipality_name,
    cluster_code,
    cluster_name,
    ior,
    threshold_ior,
    distance_to_threshold,
    is_identified,
    last_identified_year,
    years_since_identified,
    is_on_list,
    is_on_list and not is_identified as is_kept_by_exit_rule,
    case when has_previous_year then was_on_list end as was_on_list,
    case
        when not has_previous_year then null
        when is_on_list and was_on_list then 'persisting'
        when is_on_list then 'entered'
        when was_on_list then 'exited'
    end as list_status,
    not is_on_list
        and distance_to_threshold > 0
        and distance_to_threshold <= {{ letter_threshold('shnor_cusp_band') }} as is_cusp
from listed
