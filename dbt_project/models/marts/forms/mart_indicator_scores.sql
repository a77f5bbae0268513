-- Each indicator's score per municipality and cycle, against the region (mean, median, rank,
-- quartile) and against the municipality's previous cycle of the same form.
with scores as (
    select * from {{ ref('int_indicator_scores') }}
),

compared as (
    {{ with_region_and_previous_cycle(
        'scores', by=['indicator_code'], value='score',
        region={'municipalities_scored': 'count(*)', 'region_mean': 'avg(score)', 'region_median': median('score'),
                'region_mean_share': stable_round('avg(share_of_max)')},
        previous_id='previous_monitoring_id', previous_value='previous_score', change='score_change') }}
)

{{ with_monitoring_window('compared') }}
