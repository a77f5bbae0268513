-- Every source row read into raw, of every kind of file: one row per file, sheet and sheet row (a row of a
-- form or a table; its values may be several raw rows — a form's unit columns, a results row's metrics), with
-- what the row names (municipality, school as written and as matched, year) — the population the row
-- accounting counts. Kinds are those of shnor_core.sources; a kind added there needs its staging model here.
{%- set kinds = [
    ('submission', 'stg_submission_values', 'cast(null as varchar)', 'school_code', 'cast(null as integer)'),
    ('oo1_context', 'stg_oo1_context', 'school_name', 'school_code', 'data_year'),
    ('school_registry', 'stg_schools', 'school_name', 'school_code', 'cast(null as integer)'),
    ('assessment_results', 'stg_assessment_results', 'school_name_raw', 'school_code', 'assessment_year'),
    ('school_lists', 'stg_school_lists', 'school_name_raw', 'school_code', 'list_year'),
    ('mentor_assignments', 'stg_mentor_assignments', 'school_name_raw', 'school_code', 'assignment_year'),
    ('roadmap', 'stg_roadmap_items', 'cast(null as varchar)', 'cast(null as varchar)', 'roadmap_year'),
    ('roadmap_report', 'stg_roadmap_reports', 'cast(null as varchar)', 'cast(null as varchar)', 'report_year'),
    ('people_registry', 'stg_people_registry', 'school_name_raw', 'school_code', 'registry_year'),
    ('professional_development', 'stg_professional_development', 'school_name_raw', 'school_code', 'event_year'),
] %}
with source_rows as (
{%- for kind, model, written_school, school, year in kinds %}
    select
        '{{ kind }}' as source_kind,
        source_row_id,
        source_sha256,
        source_sheet,
        source_row,
        municipality_oktmo,
        {{ written_school }} as school_name_raw,
        {{ school }} as school_code,
        {{ year }} as row_year
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
    max(source_rows.row_year) as row_year
from source_rows
inner join {{ ref('stg_files') }} as files
    on source_rows.source_sha256 = files.source_sha256
group by
    source_rows.source_kind, source_rows.source_row_id, source_rows.source_sha256, files.source_file,
    source_rows.source_sheet, source_rows.source_row
