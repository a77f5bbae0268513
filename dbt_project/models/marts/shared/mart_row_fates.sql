-- How many source rows of each file reached the marts, wait in review or were dropped, per municipality the rows
-- name and per reason (seed row_fate_reasons): what the cycle summary, check-results, region show and the
-- notes' data-quality annex say besides «принят».
select
    fates.source_sha256,
    fates.source_file,
    fates.source_kind,
    fates.monitoring_id as file_monitoring_id,
    coalesce(fates.municipality_oktmo, files.municipality_oktmo) as municipality_oktmo,
    municipalities.municipality_name,
    fates.fate_code,
    fates.fate,
    fates.reason,
    reasons.fate_order,
    cast(count(*) as bigint) as source_rows,
    cast(sum(fates.raw_rows) as bigint) as raw_rows
from {{ ref('fct_source_row_fates') }} as fates
inner join {{ ref('stg_files') }} as files
    on fates.source_sha256 = files.source_sha256
left join {{ ref('row_fate_reasons') }} as reasons
    on fates.fate_code = reasons.fate_code
left join {{ ref('int_current_municipalities') }} as municipalities
    on coalesce(fates.municipality_oktmo, files.municipality_oktmo) = municipalities.municipality_oktmo
group by
    fates.source_sha256, fates.source_file, fates.source_kind, fates.monitoring_id,
    coalesce(fates.municipality_oktmo, files.municipality_oktmo), municipalities.municipality_name,
    fates.fate_code, fates.fate, fates.reason, reasons.fate_order
