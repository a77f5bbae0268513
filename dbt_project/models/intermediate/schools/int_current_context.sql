-- ОО-1 rows from accepted files; when a year was loaded twice, the latest accepted file wins.
with files as (
    select
        source_sha256,
        data_year,
        row_number() over (partition by data_year order by received_at desc, source_sha256) as version_rank
    from {{ ref('stg_files') }}
    where source_kind = 'oo1_context'
      and file_status = 'accepted'
)

select ctx.*
from {{ ref('stg_oo1_context') }} as ctx
inner join files
    on ctx.source_sha256 = files.source_sha256
where files.version_rank = 1
