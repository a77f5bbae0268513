-- Who has submitted in each monitoring window: every municipality of the monitoring's region, with
-- its current (latest accepted) version, how many versions arrived, and whether it came late.
with calendar as (
    select * from {{ ref('int_monitoring_windows') }}
    where form_id is not null and monitoring_level = 'municipality'  -- school forms: mart_school_submission_status
),

regions as (
    select * from {{ ref('ref_regions') }}
),

expected as (
    select
        calendar.monitoring_id,
        calendar.window_close,
        m.municipality_oktmo,
        m.municipality_name
    from calendar
    inner join regions
        on calendar.region_code = regions.region_code
    inner join {{ ref('int_current_municipalities') }} as m
        on m.oktmo_region_code = regions.oktmo_prefix
),

received as (
    select
        monitoring_id,
        municipality_oktmo,
        count(*) as versions_received,
        cast(sum(case when file_status = 'rejected' then 1 else 0 end) as bigint) as versions_rejected,
        max(received_at) as last_received_at
    from {{ ref('stg_files') }}
    where source_kind = 'submission' and school_code is null
    group by monitoring_id, municipality_oktmo
),

statuses as (
    select
        expected.monitoring_id,
        expected.municipality_oktmo,
        expected.municipality_name,
        {{ submission_status_columns() }}
    from expected
    left join received
        on expected.monitoring_id = received.monitoring_id
        and expected.municipality_oktmo = received.municipality_oktmo
    left join {{ ref('int_current_submissions') }} as current_version
        on expected.monitoring_id = current_version.monitoring_id
        and expected.municipality_oktmo = current_version.municipality_oktmo
)

{{ with_monitoring_window('statuses') }}
