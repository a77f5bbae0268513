-- How complete a school-level form is in each municipality: schools expected (the registry's), accepted,
-- refused, missing and late, and the share accepted; the region's totals on every row.
with per_municipality as (
    select
        monitoring_id,
        municipality_oktmo,
        municipality_name,
        count(*) as schools_expected,
        cast(sum(case when submission_status = 'accepted' then 1 else 0 end) as bigint) as schools_accepted,
        cast(sum(case when submission_status = 'rejected' then 1 else 0 end) as bigint) as schools_rejected,
        cast(sum(case when submission_status = 'missing' then 1 else 0 end) as bigint) as schools_missing,
        cast(sum(case when is_late then 1 else 0 end) as bigint) as schools_late
    from {{ ref('mart_school_submission_status') }}
    group by monitoring_id, municipality_oktmo, municipality_name
),

completeness as (
    select
        per_municipality.*,
        cast(schools_accepted as double precision) / schools_expected as accepted_share,
        cast(sum(schools_expected) over (partition by monitoring_id) as bigint) as region_schools_expected,
        cast(sum(schools_accepted) over (partition by monitoring_id) as bigint) as region_schools_accepted,
        cast(sum(schools_accepted) over (partition by monitoring_id) as double precision)
            / sum(schools_expected) over (partition by monitoring_id) as region_accepted_share
    from per_municipality
)

{{ with_monitoring_window('completeness') }}
