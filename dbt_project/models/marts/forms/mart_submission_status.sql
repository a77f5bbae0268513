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
    inner join {{ ref('dim_municipality') }} as m
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
        case
            when current_version.source_sha256 is not null then 'accepted'
            when received.versions_received > 0 then 'rejected'
            else 'missing'
        end as submission_status,
        coalesce(received.versions_received, 0) as versions_received,
        coalesce(received.versions_rejected, 0) as versions_rejected,
        received.last_received_at,
        current_version.source_file as current_file,
        current_version.source_sha256 as current_sha256,
        current_version.received_at as current_received_at,
        coalesce(cast(current_version.received_at as date) > expected.window_close, false) as is_late
    from expected
    left join received
        on expected.monitoring_id = received.monitoring_id
        and expected.municipality_oktmo = received.municipality_oktmo
    left join {{ ref('int_current_submissions') }} as current_version
        on expected.monitoring_id = current_version.monitoring_id
        and expected.municipality_oktmo = current_version.municipality_oktmo
)

{{ with_monitoring_window('statuses') }}
