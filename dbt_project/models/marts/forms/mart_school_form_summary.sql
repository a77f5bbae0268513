-- A school-level form summed up per municipality and indicator: how many schools sent an accepted form, how many
-- of them marked a presence indicator (a deficit, a risk factor) and their share, and for a count indicator its
-- total and mean over the schools; the region's figures on every row.
with per_municipality as (
    select
        monitoring_id,
        form_id,
        municipality_oktmo,
        municipality_name,
        section_code,
        section_order,
        section_title,
        indicator_code,
        indicator_number,
        indicator_label,
        indicator_kind,
        count(*) as schools_reporting,
        cast(sum(case when is_marked then 1 else 0 end) as bigint) as schools_marked,
        sum(indicator_value) as value_total
    from {{ ref('mart_school_form_values') }}
    group by monitoring_id, form_id, municipality_oktmo, municipality_name, section_code, section_order, section_title,
             indicator_code, indicator_number, indicator_label, indicator_kind
),

summary as (
    select
        per_municipality.*,
        case when indicator_kind = 'presence' then cast(schools_marked as double precision) / schools_reporting end
            as marked_share,
        case when indicator_kind = 'count' then value_total / schools_reporting end as value_mean,
        cast(sum(schools_reporting) over (partition by monitoring_id, indicator_code) as bigint)
            as region_schools_reporting,
        cast(sum(schools_marked) over (partition by monitoring_id, indicator_code) as bigint) as region_schools_marked,
        case when indicator_kind = 'presence' then
            cast(sum(schools_marked) over (partition by monitoring_id, indicator_code) as double precision)
            / sum(schools_reporting) over (partition by monitoring_id, indicator_code)
        end as region_marked_share,
        sum(value_total) over (partition by monitoring_id, indicator_code) as region_value_total
    from per_municipality
)

{{ with_monitoring_window('summary') }}
