-- Every source row read into raw, of every kind of file: one row per file, sheet and sheet row (a row of a
-- form or a table; its values may be several raw rows — a form's unit columns, a results row's metrics), with
-- what the row names (municipality, school as written and as matched, year) — the population the row
-- accounting counts. Kinds are those of shnor_core.sources; a kind added there needs its staging model here.
-- Kinds whose names are resolved before the build (shnor.identity.NAMED_KINDS) carry the resolution's status; a
-- name waits for a person when it is ambiguous or of an unknown municipality (review), or when no school of its
-- municipality's registry fits it (unregistered, listed in shnor review).
{%- set kinds = [
    ('submission', 'stg_submission_values', 'cast(null as varchar)', 'school_code', 'cast(null as integer)', false),
    ('oo1_context', 'stg_oo1_context', 'school_name', 'school_code', 'data_year', false),
    ('school_registry', 'stg_schools', 'school_name', 'school_code', 'cast(null as integer)', false),
    ('assessment_results', 'stg_assessment_results', 'school_name_raw', 'school_code', 'assessment_year', true),
    ('school_lists', 'stg_school_lists', 'school_name_raw', 'school_code', 'list_year', true),
    ('mentor_assignments', 'stg_mentor_assignments', 'school_name_raw', 'school_code', 'assignment_year', true),
    ('roadmap', 'stg_roadmap_items', 'cast(null as varchar)', 'cast(null as varchar)', 'roadmap_year', false),
    ('roadmap_report', 'stg_roadmap_reports', 'cast(null as varchar)', 'cast(null as varchar)', 'report_year', false),
    ('people_registry', 'stg_people_registry', 'school_name_raw', 'school_code', 'registry_year', true),
    ('professional_development', 'stg_professional_development', 'school_name_raw', 'school_code', 'event_year',
     true),
] %}
with source_rows as (
{%- for kind, model, written_school, school, year, resolved in kinds %}
    select
        '{{ kind }}' as source_kind,
        source_row_id,
        source_sha256,
        source_sheet,
        source_row,
        municipality_oktmo,
        {{ written_school }} as school_name_raw,
        {{ school }} as school_code,
        {{ year }} as row_year,
        {%- if resolved %}
        identity_status,
        identity_status = 'review' or (identity_status = 'unregistered' and needs_name_review) as is_name_waiting
        {%- else %}
        cast(null as varchar) as identity_status,
        false as is_name_waiting
        {%- endif %}
    from {{ ref(model) }}
    {%- if not loop.last %}
    union all
    {%- endif %}
{%- endfor %}
)

select
    source_rows.source_kind,
    source_rows.source_row_id,
    source_rows.source_sha256,
    files.source_file,
    source_rows.source_sheet,
    source_rows.source_row,
    cast(count(*) as bigint) as raw_rows,
    max(source_rows.municipality_oktmo) as municipality_oktmo,
    max(source_rows.school_name_raw) as school_name_raw,
    max(source_rows.school_code) as school_code,
    max(source_rows.row_year) as row_year,
    max(source_rows.identity_status) as identity_status,
    max(case when source_rows.is_name_waiting then 1 else 0 end) = 1 as is_name_waiting
from source_rows
inner join {{ ref('stg_files') }} as files
    on source_rows.source_sha256 = files.source_sha256
group by
    source_rows.source_kind, source_rows.source_row_id, source_rows.source_sha256, files.source_file,
    source_rows.source_sheet, source_rows.source_row
