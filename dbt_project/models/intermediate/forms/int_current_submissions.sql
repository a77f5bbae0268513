-- The municipal form that counts for each municipality and monitoring: the latest accepted version.
-- Earlier versions stay in raw (full history); a rejected resubmission never replaces an accepted one.
-- School-level forms (a school code on the file) count per school: int_current_school_submissions.
with accepted as (
    select *
    from {{ ref('stg_files') }}
    where source_kind = 'submission'
      and file_status = 'accepted'
      and school_code is null
),

ranked as (
    select
        *,
        row_number() over (
            partition by monitoring_id, municipality_oktmo
            order by received_at desc, source_sha256
        ) as version_rank
    from accepted
)

select
    source_sha256,
    monitoring_id,
    municipality_oktmo,
    source_file,
    received_at,
    is_demo
from ranked
where version_rank = 1
