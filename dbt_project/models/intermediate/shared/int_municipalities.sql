-- The region's municipalities as the ОКТМО reference lists them, one row per version of a municipality (its
-- name and kind from valid_from to valid_to). is_current marks one row per ОКТМО: the version in force today,
-- or, for a municipality none of whose versions is in force today (abolished, or only a future one listed),
-- the one with the latest valid_from.
with versions as (
    select
        oktmo8 as municipality_oktmo,
        name as municipality_name,
        kind as municipality_kind,
        valid_from,
        valid_to,
        substr(oktmo8, 1, 2) as oktmo_region_code,
        row_number() over (
            partition by oktmo8
            order by
                case
                    when (valid_from is null or valid_from <= current_date)
                     and (valid_to is null or valid_to >= current_date) then 0
                    else 1
                end,
                valid_from desc
        ) as version_rank
    from {{ ref('ref_municipalities') }}
)

select
    municipality_oktmo,
    municipality_name,
    municipality_kind,
    valid_from,
    valid_to,
    oktmo_region_code,
    version_rank = 1 as is_current
from versions
