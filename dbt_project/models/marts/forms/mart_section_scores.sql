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
        cast(sum(max_score) as bigint) as section_max,
        sum(score) / sum(max_score) as section_share,
        bool_and(is_demo) as is_demo
    from {{ ref('int_indicator_scores') }}
    where indicator_kind = 'presence'
    group by monitoring_id, municipality_oktmo, municipality_name, form_id, section_code, section_order, section_title
),

compared as (
    {{ with_region_and_previous_cycle(
        'sections', by=['section_code'], value='section_share',
        region={'region_mean_share': stable_round('avg(section_share)'), 'region_median_share': median('section_share')},
        previous_value='previous_share') }}
)

{{ with_monitoring_window('compared') }}
