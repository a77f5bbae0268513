-- Each section's total per municipality and cycle (0/1 indicators only: counts have no maximum),
-- against the region and the previous cycle of the same form.
with sections as (
    select
        monitoring_id,
        municipality_oktmo,
        municipality_name,
        form_id,
        section_code,
        section_order,
        section_title,
        sum(score) as section_score,
        sum(max_score) as section_max,
        sum(score) / sum(max_score) as section_share,
        bool_and(is_demo) as is_demo
    from {{ ref('int_indicator_scores') }}
    where indicator_kind = 'presence'
    group by monitoring_id, municipality_oktmo, municipality_name, form_id, section_code, section_order, section_title
),

region as (
    select
        monitoring_id,
        section_code,
        avg(section_share) as region_mean_share,
        {{ median('section_share') }} as region_median_share
    from sections
    group by monitoring_id, section_code
),

previous as (
    select cycles.monitoring_id, earlier.municipality_oktmo, earlier.section_code, earlier.section_share
    from {{ ref('int_previous_cycle') }} as cycles
    inner join sections as earlier
        on earlier.monitoring_id = cycles.previous_monitoring_id
)

select
    sections.*,
    region.region_mean_share,
    region.region_median_share,
    rank() over (partition by sections.monitoring_id, sections.section_code order by sections.section_share desc) as region_rank,
    {{ region_quartile('sections.monitoring_id, sections.section_code', 'sections.section_share') }} as region_quartile,
    previous.section_share as previous_share,
    {{ change_direction('sections.section_share', 'previous.section_share') }} as change_direction
from sections
inner join region
    on sections.monitoring_id = region.monitoring_id
    and sections.section_code = region.section_code
left join previous
    on sections.monitoring_id = previous.monitoring_id
    and sections.municipality_oktmo = previous.municipality_oktmo
    and sections.section_code = previous.section_code
