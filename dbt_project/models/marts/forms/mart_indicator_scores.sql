-- Each indicator's score per municipality and cycle, against the region (mean, median, rank,
-- quartile) and against the municipality's previous cycle of the same form.
with scores as (
    select * from {{ ref('int_indicator_scores') }}
),

region as (
    select
        monitoring_id,
        indicator_code,
        count(*) as municipalities_scored,
        avg(score) as region_mean,
        {{ median('score') }} as region_median
    from scores
    group by monitoring_id, indicator_code
),

previous as (
    select
        cycles.monitoring_id,
        earlier.municipality_oktmo,
        earlier.indicator_code,
        earlier.score as previous_score,
        cycles.previous_monitoring_id
    from {{ ref('int_previous_cycle') }} as cycles
    inner join scores as earlier
        on earlier.monitoring_id = cycles.previous_monitoring_id
)

select
    scores.*,
    region.municipalities_scored,
    region.region_mean,
    region.region_median,
    rank() over (partition by scores.monitoring_id, scores.indicator_code order by scores.score desc) as region_rank,
    {{ region_quartile('scores.monitoring_id, scores.indicator_code', 'scores.score') }} as region_quartile,
    previous.previous_monitoring_id,
    previous.previous_score,
    scores.score - previous.previous_score as score_change,
    {{ change_direction('scores.score', 'previous.previous_score') }} as change_direction
from scores
inner join region
    on scores.monitoring_id = region.monitoring_id
    and scores.indicator_code = region.indicator_code
left join previous
    on scores.monitoring_id = previous.monitoring_id
    and scores.municipality_oktmo = previous.municipality_oktmo
    and scores.indicator_code = previous.indicator_code
