-- Computed windows (seed 003: the dynamics of results in ШНОР, 07–25 October; in schools functioning at risk of
-- lower results, 14–31 October): each school of the window's group, per procedure the region has results of,
-- with its share of low results in the window's year and the year before, the change, and what the region's rule
-- calls it (result_change_rules, threshold dynamics_low_share_step). A school without results in either year is
-- listed with 'no_data', never dropped.
with windows as (
    select monitoring_id, region_code, monitoring_year
    from {{ ref('int_monitoring_windows') }}
    where window_kind = 'computed'
),

schools as (
    select groups.*
    from {{ ref('int_monitoring_schools') }} as groups
    inner join windows
        on groups.monitoring_id = windows.monitoring_id
),

region_procedures as (
    select distinct
        windows.monitoring_id,
        years.assessment_procedure
    from windows
    inner join {{ ref('ref_regions') }} as regions
        on windows.region_code = regions.region_code
    inner join {{ ref('int_school_result_years') }} as years
        on years.assessment_year in (windows.monitoring_year, windows.monitoring_year - 1)
    inner join {{ ref('int_current_schools') }} as registry
        on years.school_code = registry.school_code
       and substr(registry.municipality_oktmo, 1, 2) = regions.oktmo_prefix
),

compared as (
    select
        schools.monitoring_id,
        schools.school_group,
        schools.municipality_oktmo,
        schools.municipality_name,
        schools.school_code,
        schools.school_name,
        schools.on_federal_list,
        schools.on_regional_list,
        schools.on_risk_zone_list,
        procedures.assessment_procedure,
        current_year.participants,
        current_year.low_results,
        current_year.low_result_share,
        current_year.mean_result,
        previous_year.participants as previous_participants,
        previous_year.low_results as previous_low_results,
        previous_year.low_result_share as previous_low_result_share,
        previous_year.mean_result as previous_mean_result
    from schools
    inner join region_procedures as procedures
        on schools.monitoring_id = procedures.monitoring_id
    left join {{ ref('int_school_result_years') }} as current_year
        on schools.school_code = current_year.school_code
       and procedures.assessment_procedure = current_year.assessment_procedure
       and current_year.assessment_year = schools.monitoring_year
    left join {{ ref('int_school_result_years') }} as previous_year
        on schools.school_code = previous_year.school_code
       and procedures.assessment_procedure = previous_year.assessment_procedure
       and previous_year.assessment_year = schools.monitoring_year - 1
),

directed as (
    select
        compared.*,
        {{ stable_round('low_result_share - previous_low_result_share') }} as low_share_change,
        {{ stable_round('mean_result - previous_mean_result') }} as mean_result_change,
        {{ result_change_direction('low_result_share', 'previous_low_result_share',
                                   methodology_parameter('dynamics_low_share_step')) }} as change_direction
    from compared
),

dynamics as (
    select
        directed.*,
        rules.direction_label,
        {{ result_change_wording('rules.rule_wording', methodology_parameter('dynamics_low_share_step')) }} as rule_wording
    from directed
    inner join {{ ref('result_change_rules') }} as rules
        on directed.change_direction = rules.direction
)

{{ with_monitoring_window('dynamics') }}
