-- The school-level form that counts for each school and monitoring: the latest accepted version. Earlier
-- versions stay in raw; a refused resubmission never replaces an accepted one.
with accepted as (
    select *
    from {{ ref('stg_files') }}
    where source_kind = 'submission'
      and file_status = 'accepted'
      and school_code is not null
),

ranked as (
    select
        *,
        row_number() over (
            partition by monitoring_id, school_code
            order by received_at desc, source_sha256
        ) as version_rank
    from accepted
)

select
    source_sha256,
    monitoring_id,
    school_code,
    municipality_oktmo,
    source_file,
    received_at,
    is_demo
from ranked
where version_rank = 1
