{#- Rows of a staging model from files that were not refused, each with file_rank: 1 for the latest
    received file within its partition (a corrected file replaces the one before it). -#}
{% macro rows_ranked_by_latest_file(model, partition_by) -%}
    select
        source_rows.*,
        dense_rank() over (
            partition by {{ partition_by }}
            order by files.received_at desc, files.source_sha256
        ) as file_rank
    from {{ ref(model) }} as source_rows
    inner join {{ ref('stg_files') }} as files
        on source_rows.source_sha256 = files.source_sha256
    where files.file_status <> 'rejected'
{%- endmacro %}
