-- For each municipality and cycle: how many indicators improved, worsened or stayed since the
-- previous cycle of the same form (the indicators themselves are in mart_indicator_scores).
with dynamics as (
    select
        monitoring_id,
        previous_monitoring_id,
        municipality_oktmo,
        municipality_name,
        cast(sum(case when change_direction = 'improved' then 1 else 0 end) as bigint) as indicators_improved,
        cast(sum(case when change_direction = 'worsened' then 1 else 0 end) as bigint) as indicators_worsened,
        cast(sum(case when change_direction = 'unchanged' then 1 else 0 end) as bigint) as indicators_unchanged
    from {{ ref('mart_indicator_scores') }}
    where previous_monitoring_id is not null
    group by monitoring_id, previous_monitoring_id, municipality_oktmo, municipality_name
)

{{ with_monitoring_window('dynamics') }}
