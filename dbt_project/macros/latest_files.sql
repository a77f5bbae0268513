{#- Rows of a staging model from files that were not refused, each with file_rank: 1 for the latest
    received file within its partition (a corrected file replaces the one before it). The partition of each
    model is written here once: the models that take the latest file and the row accounting (a row of a later
    rank is superseded) rank alike. -#}
{% macro rows_ranked_by_latest_file(model) -%}
    {%- set partitions = {
        'stg_assessment_results': 'source_rows.school_code, source_rows.assessment_procedure, source_rows.assessment_year, source_rows.subject, source_rows.grade',
        'stg_school_lists': 'source_rows.list_kind, source_rows.list_year, substr(source_rows.municipality_oktmo, 1, 2)',
        'stg_roadmap_items': 'source_rows.municipality_oktmo, source_rows.roadmap_year',
        'stg_people_registry': 'source_rows.municipality_oktmo, source_rows.registry_year, source_rows.person_role',
    } -%}
    {%- set partition_by = partitions[model] -%}
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


{#- A submitter's status in a window, one rule for municipalities (mart_submission_status) and schools
    (mart_school_submission_status): accepted when a current version stands, rejected when versions arrived and
    none stands, missing when none arrived; late when the current version arrived after the window's close.
    expected: a relation with window_close; received: versions_received, versions_rejected, last_received_at;
    current_version: the current file's source_file, source_sha256, received_at (null when none). -#}
{% macro submission_status_columns(expected='expected', received='received', current_version='current_version') -%}
        case
            when {{ current_version }}.source_sha256 is not null then 'accepted'
            when {{ received }}.versions_received > 0 then 'rejected'
            else 'missing'
        end as submission_status,
        coalesce({{ received }}.versions_received, 0) as versions_received,
        coalesce({{ received }}.versions_rejected, 0) as versions_rejected,
        {{ received }}.last_received_at,
        {{ current_version }}.source_file as current_file,
        {{ current_version }}.source_sha256 as current_sha256,
        {{ current_version }}.received_at as current_received_at,
        coalesce(cast({{ current_version }}.received_at as date) > {{ expected }}.window_close, false) as is_late
{%- endmacro %}


{#- The version of a form that counts per unit and monitoring — `unit` is municipality_oktmo for a municipal form,
    school_code for a school-level form (a school code on the file) — the latest accepted file. Earlier versions
    stay in raw (full history); a refused resubmission never replaces an accepted one. One rule for
    int_current_submissions and int_current_school_submissions. -#}
{% macro latest_accepted_submissions(unit) -%}
    {%- set per_school = unit == 'school_code' -%}
with accepted as (
    select *
    from {{ ref('stg_files') }}
    where source_kind = 'submission'
      and file_status = 'accepted'
      and school_code is {{ 'not null' if per_school else 'null' }}
),

ranked as (
    select
        *,
        row_number() over (
            partition by monitoring_id, {{ unit }}
            order by received_at desc, source_sha256
        ) as version_rank
    from accepted
)

select
    source_sha256,
    monitoring_id,
    {%- if per_school %}
    school_code,
    {%- endif %}
    municipality_oktmo,
    source_file,
    received_at,
    is_demo
from ranked
where version_rank = 1
{%- endmacro %}
