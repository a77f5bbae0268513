-- The school registry as of its latest file that was not refused.
with latest as (
    select source_sha256
    from {{ ref('stg_files') }}
    where source_kind = 'school_registry' and file_status <> 'rejected'
    order by received_at desc
    limit 1
)

select schools.*
from {{ ref('stg_schools') }} as schools
inner join latest
    on schools.source_sha256 = latest.source_sha256
