-- The fate of every source row read into raw (int_source_rows): in a mart when its lineage key is in
-- fct_source_rows (what the marts actually took), else waiting in review or dropped, each with the first
-- reason that holds, in the order below; reasons and their Russian wording are seed row_fate_reasons. A row
-- none of the reasons explains gets no fate_code, and the model's not_null test fails the build.
with bridged as (
    select
        source_row_id,
        min(case when is_suppressed then 1 else 0 end) = 1 as is_suppressed
    from {{ ref('fct_source_rows') }}
    group by source_row_id
),

ranked_files as (
    select source_row_id, min(file_rank) as file_rank
    from (
        {%- for model in ['stg_assessment_results', 'stg_school_lists', 'stg_roadmap_items', 'stg_people_registry'] %}
        select ranked.source_row_id, ranked.file_rank
        from ({{ rows_ranked_by_latest_file(model) }}) as ranked
        {%- if not loop.last %}
        union all
        {%- endif %}
        {%- endfor %}
    ) as ranks
    group by source_row_id
),

current_files as (
    select source_sha256 from {{ ref('int_current_submissions') }}
    union
    select source_sha256 from {{ ref('int_current_school_submissions') }}
    union
    select source_sha256 from {{ ref('int_current_context') }}
    union
    select source_sha256 from {{ ref('int_current_schools') }}
),

in_review as (
    -- names of kinds the readers still match (roadmap activities, schools of school-level forms); names of the
    -- kinds resolved before the build wait by the resolution's own status (int_source_rows.is_name_waiting)
    select distinct source_sha256, source_sheet, source_row
    from {{ source('raw', 'rows_in_review') }}
),

numbered_roadmap_rows as (
    select distinct source_row_id
    from {{ ref('stg_roadmap_items') }}
    where activity_number is not null
),

schools_with_context as (
    select distinct school_code
    from {{ ref('int_current_context') }}
),

linked_reports as (
    select distinct source_sha256, source_row
    from {{ ref('int_roadmap_evidence') }}
    where plan_activity_number is not null
),

rows_read as (
    select
        source_rows.*,
        files.file_status,
        files.monitoring_id,
        files.received_at,
        bridged.source_row_id is not null as is_in_mart,
        bridged.is_suppressed,
        case
            when source_rows.identity_status is not null then source_rows.is_name_waiting
            else in_review.source_sha256 is not null
        end as is_in_review,
        coalesce(source_rows.identity_status = 'not_ours', false) as is_not_ours,
        coalesce(ranked_files.file_rank > 1, false)
            or (source_rows.source_kind in ('submission', 'oo1_context', 'school_registry')
                and files.file_status <> 'rejected' and current_files.source_sha256 is null) as is_superseded,
        registry.school_code is not null as is_registered,
        windows.monitoring_id is not null as is_in_window,
        linked_reports.source_sha256 is not null as is_linked_report,
        numbered_roadmap_rows.source_row_id is not null as is_numbered_activity,
        schools_with_context.school_code is not null as has_context
    from {{ ref('int_source_rows') }} as source_rows
    inner join {{ ref('stg_files') }} as files
        on source_rows.source_sha256 = files.source_sha256
    left join bridged
        on source_rows.source_row_id = bridged.source_row_id
    left join in_review
        on source_rows.source_sha256 = in_review.source_sha256
       and coalesce(source_rows.source_sheet, '') = coalesce(in_review.source_sheet, '')
       and source_rows.source_row = in_review.source_row
    left join ranked_files
        on source_rows.source_row_id = ranked_files.source_row_id
    left join current_files
        on source_rows.source_sha256 = current_files.source_sha256
    left join {{ ref('int_current_schools') }} as registry
        on source_rows.school_code = registry.school_code
    left join {{ ref('int_monitoring_windows') }} as windows
        on files.monitoring_id = windows.monitoring_id
    left join linked_reports
        on source_rows.source_sha256 = linked_reports.source_sha256
       and source_rows.source_row = linked_reports.source_row
    left join numbered_roadmap_rows
        on source_rows.source_row_id = numbered_roadmap_rows.source_row_id
    left join schools_with_context
        on source_rows.school_code = schools_with_context.school_code
),

fated as (
    select
        rows_read.*,
        case
            when is_in_mart and is_suppressed then 'in_mart_suppressed'
            when is_in_mart then 'in_mart'
            when file_status = 'rejected' then 'file_rejected'
            when file_status = 'read' then 'file_not_validated'
            when is_superseded then 'superseded'
            when is_not_ours then 'not_ours'
            when is_in_review then 'name_in_review'
            when source_kind = 'submission' and not is_in_window then 'outside_window'
            when source_kind not in ('roadmap', 'roadmap_report', 'submission', 'school_registry')
                 and school_code is null and municipality_oktmo is null then 'municipality_unresolved'
            when source_kind not in ('roadmap', 'roadmap_report', 'submission', 'school_registry')
                 and school_code is null and school_name_raw is not null then 'school_unresolved'
            when source_kind not in ('roadmap', 'roadmap_report', 'submission', 'school_registry')
                 and school_code is null then 'school_missing'
            when source_kind <> 'school_registry' and row_year is null
                 and source_kind not in ('submission') then 'year_missing'
            when source_kind in ('oo1_context', 'mentor_assignments', 'school_lists') and not is_registered
                then 'school_not_in_registry'
            when source_kind = 'school_registry' and not has_context then 'school_without_context'
            when source_kind = 'school_lists' then 'school_without_results'
            when source_kind = 'people_registry' then 'school_out_of_scope'
            when source_kind = 'professional_development' then 'teacher_out_of_scope'
            when source_kind = 'roadmap' and not is_numbered_activity then 'activity_missing'
            when source_kind = 'roadmap_report' and not is_linked_report then 'report_not_linked'
        end as fate_code
    from rows_read
)

select
    fated.source_kind,
    fated.source_row_id,
    fated.source_sha256,
    fated.source_file,
    fated.source_sheet,
    fated.source_row,
    fated.raw_rows,
    fated.municipality_oktmo,
    fated.school_name_raw,
    fated.school_code,
    fated.row_year,
    fated.monitoring_id,
    fated.received_at,
    fated.file_status,
    fated.fate_code,
    reasons.fate,
    reasons.reason
from fated
left join {{ ref('row_fate_reasons') }} as reasons
    on fated.fate_code = reasons.fate_code
