-- Each municipality's total score in a cycle: the scores of its presence indicators summed over all sections
-- of the form against the summed maxima (as the regional note computed it from mart_section_scores), beside
-- the region — whose mean is the region's summed scores against its summed maxima, not a mean of shares —
-- and beside the municipality's previous cycle of the same form.
with totals as (
    select
        sections.monitoring_id,
        sections.municipality_oktmo,
        sections.municipality_name,
        sections.form_id,
        cast(count(*) as integer) as sections_scored,
        sum(sections.section_score) as total_score,
        cast(sum(sections.section_max) as integer) as total_max,
        cast(sum(sections.section_score) as double precision)
            / nullif(cast(sum(sections.section_max) as double precision), 0) as total_share,
        bool_and(sections.is_demo) as is_demo
    from {{ ref('mart_section_scores') }} as sections
    group by sections.monitoring_id, sections.municipality_oktmo, sections.municipality_name, sections.form_id
),

compared as (
    {{ with_region_and_previous_cycle(
        'totals', by=[], value='total_share',
        region={'municipalities_scored': 'count(*)',
                'region_mean_share': 'cast(sum(total_score) as double precision) / nullif(cast(sum(total_max) as double precision), 0)'},
        previous_id='previous_monitoring_id', previous_value='previous_total_share', change='total_share_change') }}
)

{{ with_monitoring_window('compared') }}
