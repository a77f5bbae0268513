-- Who has submitted a school-level form: every school of the region's registry, in every school-form window,
-- with its current (latest accepted) version, how many versions arrived, and whether it came late.
with expected as (
    select
        schools.monitoring_id,
        schools.school_code,
        schools.school_name,
        schools.municipality_oktmo,
        schools.municipality_name,
        windows.window_close
    from {{ ref('int_monitoring_schools') }} as schools
    inner join {{ ref('int_monitoring_windows') }} as windows
        on schools.monitoring_id = windows.monitoring_id
    where windows.window_kind = 'school_form'
),

received as (
    select
        monitoring_id,
        school_code,
        count(*) as versions_received,
        cast(sum(case when file_status = 'rejected' then 1 else 0 end) as bigint) as versions_rejected,
        max(received_at) as last_received_at
    from {{ ref('stg_files') }}
    where source_kind = 'submission' and school_code is not null
    group by monitoring_id, school_code
),

statuses as (
    select
        expected.monitoring_id,
        expected.municipality_oktmo,
        expected.municipality_name,
        expected.school_code,
        expected.school_name,
        {{ submission_status_columns() }},
        coalesce(current_version.is_demo, false) as is_demo
    from expected
    left join received
        on expected.monitoring_id = received.monitoring_id
       and expected.school_code = received.school_code
    left join {{ ref('int_current_school_submissions') }} as current_version
        on expected.monitoring_id = current_version.monitoring_id
       and expected.school_code = current_version.school_code
)

{{ with_monitoring_window('statuses') }}
