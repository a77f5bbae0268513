-- A computed window per municipality and procedure: how many schools of the window's group improved, declined,
-- stayed the same or have no data (mart_school_result_dynamics), and the group's pooled share of low results in
-- both years — over the schools with results in both years, so that the two shares describe the same schools —
-- with its change and what the region's rule calls it.
with per_municipality as (
    select
        monitoring_id,
        school_group,
        municipality_oktmo,
        municipality_name,
        assessment_procedure,
        count(*) as schools_in_group,
        cast(sum(case when change_direction = 'improvement' then 1 else 0 end) as bigint) as schools_improved,
        cast(sum(case when change_direction = 'decline' then 1 else 0 end) as bigint) as schools_declined,
        cast(sum(case when change_direction = 'stable' then 1 else 0 end) as bigint) as schools_stable,
        cast(sum(case when change_direction = 'no_data' then 1 else 0 end) as bigint) as schools_no_data,
        cast(sum(case when change_direction <> 'no_data' then participants end) as bigint) as participants,
        sum(case when change_direction <> 'no_data' then low_results end) as low_results,
        cast(sum(case when change_direction <> 'no_data' then previous_participants end) as bigint)
            as previous_participants,
        sum(case when change_direction <> 'no_data' then previous_low_results end) as previous_low_results
    from {{ ref('mart_school_result_dynamics') }}
    group by monitoring_id, school_group, municipality_oktmo, municipality_name, assessment_procedure
),

shares as (
    select
        per_municipality.*,
        {{ stable_round('low_results / nullif(participants, 0)') }} as low_result_share,
        {{ stable_round('previous_low_results / nullif(previous_participants, 0)') }} as previous_low_result_share
    from per_municipality
),

directed as (
    select
        shares.*,
        {{ stable_round('low_result_share - previous_low_result_share') }} as low_share_change,
        {{ result_change_direction('low_result_share', 'previous_low_result_share',
                                   methodology_parameter('dynamics_low_share_step')) }} as change_direction
    from shares
),

dynamics as (
    select
        directed.*,
        rules.direction_label
    from directed
    inner join {{ ref('result_change_rules') }} as rules
        on directed.change_direction = rules.direction
)

{{ with_monitoring_window('dynamics') }}
