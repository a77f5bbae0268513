-- Every row accounted, per source file: rows read into raw = rows in marts + rows waiting in review + rows
-- dropped with a reason (fct_source_row_fates). A file with no row read (refused at reading, empty) is here
-- with zeros. A source row is a row of the file's sheet; raw_values counts the raw rows it became.
with fates as (
    select
        source_sha256,
        cast(count(*) as bigint) as rows_read,
        cast(sum(raw_rows) as bigint) as raw_values,
        cast(sum(case when fate = 'mart' then 1 else 0 end) as bigint) as rows_in_marts,
        cast(sum(case when fate_code = 'in_mart_suppressed' then 1 else 0 end) as bigint) as rows_suppressed,
        cast(sum(case when fate = 'review' then 1 else 0 end) as bigint) as rows_in_review,
        cast(sum(case when fate = 'dropped' then 1 else 0 end) as bigint) as rows_dropped,
        cast(sum(case when fate is null then 1 else 0 end) as bigint) as rows_without_fate
    from {{ ref('fct_source_row_fates') }}
    group by source_sha256
),

reasons as (
    select
        source_sha256,
        string_agg(reason || ' — ' || cast(source_rows as varchar), '; ' order by fate_order, fate_code) as not_in_marts
    from (
        select source_sha256, fate_code, reason, min(fate_order) as fate_order, sum(source_rows) as source_rows
        from {{ ref('mart_row_fates') }}
        where fate <> 'mart'
        group by source_sha256, fate_code, reason
    ) as per_reason
    group by source_sha256
)

select
    files.source_sha256,
    files.source_file,
    files.source_kind,
    files.file_status,
    files.received_at,
    files.monitoring_id as file_monitoring_id,
    files.data_year,
    files.municipality_oktmo,
    municipalities.municipality_name,
    coalesce(fates.rows_read, 0) as rows_read,
    coalesce(fates.raw_values, 0) as raw_values,
    coalesce(fates.rows_in_marts, 0) as rows_in_marts,
    coalesce(fates.rows_suppressed, 0) as rows_suppressed,
    coalesce(fates.rows_in_review, 0) as rows_in_review,
    coalesce(fates.rows_dropped, 0) as rows_dropped,
    coalesce(fates.rows_without_fate, 0) as rows_without_fate,
    reasons.not_in_marts
from {{ ref('stg_files') }} as files
left join fates
    on files.source_sha256 = fates.source_sha256
left join reasons
    on files.source_sha256 = reasons.source_sha256
left join {{ ref('int_current_municipalities') }} as municipalities
    on files.municipality_oktmo = municipalities.municipality_oktmo
