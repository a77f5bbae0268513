-- Status of every roadmap activity and due date of each municipality, as of the close of each monitoring
-- window of its region (the cycle; the roadmap of the window's year), computed from reported evidence only:
-- done on time (evidence dated by the due date), late (after it, by the cycle's close), missing (due, no
-- evidence), not due yet; «по мере необходимости» has no due date and is only ever done or not required.
-- No indicator of a monitoring form counts: evidence is what the municipality's report names
-- (int_roadmap_evidence).
with cycles as (
    {{ form_window_closes() }}
),

municipalities as (
    {{ region_municipalities() }}
),

occurrences as (
    select
        cycles.monitoring_id,
        cycles.as_of_date,
        municipalities.municipality_name,
        due.*
    from cycles
    inner join municipalities
        on cycles.region_code = municipalities.region_code
    inner join {{ ref('int_roadmap_due_dates') }} as due
        on due.municipality_oktmo = municipalities.municipality_oktmo
       and due.roadmap_year = cycles.roadmap_year
),

evidence as (
    select
        occurrences.monitoring_id,
        occurrences.municipality_oktmo,
        occurrences.roadmap_year,
        occurrences.activity_number,
        occurrences.due_date,
        evidence.is_evidence,
        evidence.evidence_date,
        evidence.document_kind,
        evidence.document_number,
        evidence.document_date,
        evidence.has_document_link,
        row_number() over (
            partition by occurrences.monitoring_id, occurrences.municipality_oktmo, occurrences.roadmap_year,
                         occurrences.activity_number, occurrences.due_date
            order by evidence.evidence_date, evidence.source_sha256, evidence.source_row
        ) as evidence_rank
    from occurrences
    inner join {{ ref('int_roadmap_evidence') }} as evidence
        on evidence.municipality_oktmo = occurrences.municipality_oktmo
       and evidence.report_year = occurrences.roadmap_year
       and evidence.plan_activity_number = occurrences.activity_number
       and (evidence.due_date = occurrences.due_date or (evidence.due_date is null and occurrences.due_date is null))
    where evidence.is_evidence
      and evidence.evidence_date <= occurrences.as_of_date
),

undocumented as (
    select distinct
        occurrences.monitoring_id,
        occurrences.municipality_oktmo,
        occurrences.roadmap_year,
        occurrences.activity_number,
        occurrences.due_date
    from occurrences
    inner join {{ ref('int_roadmap_evidence') }} as evidence
        on evidence.municipality_oktmo = occurrences.municipality_oktmo
       and evidence.report_year = occurrences.roadmap_year
       and evidence.plan_activity_number = occurrences.activity_number
       and (evidence.due_date = occurrences.due_date or (evidence.due_date is null and occurrences.due_date is null))
    where not evidence.is_evidence
),

statuses as (
    select
        occurrences.*,
        first_evidence.evidence_date,
        first_evidence.document_kind,
        first_evidence.document_number,
        first_evidence.document_date,
        coalesce(first_evidence.has_document_link, false) as has_document_link,
        undocumented.activity_number is not null as reported_without_document,
        case
            when first_evidence.evidence_date is not null
                 and (occurrences.due_date is null or first_evidence.evidence_date <= occurrences.due_date)
                then 'on_time'
            when first_evidence.evidence_date is not null then 'late'
            when occurrences.due_date is null then 'as_needed'
            when occurrences.due_date <= occurrences.as_of_date then 'missing'
            else 'not_due'
        end as status
    from occurrences
    left join evidence as first_evidence
        on first_evidence.monitoring_id = occurrences.monitoring_id
       and first_evidence.municipality_oktmo = occurrences.municipality_oktmo
       and first_evidence.roadmap_year = occurrences.roadmap_year
       and first_evidence.activity_number = occurrences.activity_number
       and (first_evidence.due_date = occurrences.due_date
            or (first_evidence.due_date is null and occurrences.due_date is null))
       and first_evidence.evidence_rank = 1
    left join undocumented
        on undocumented.monitoring_id = occurrences.monitoring_id
       and undocumented.municipality_oktmo = occurrences.municipality_oktmo
       and undocumented.roadmap_year = occurrences.roadmap_year
       and undocumented.activity_number = occurrences.activity_number
       and (undocumented.due_date = occurrences.due_date
            or (undocumented.due_date is null and occurrences.due_date is null))
),

statuses_of_cycle as (
    select
        monitoring_id,
        as_of_date,
        municipality_oktmo,
        municipality_name,
        roadmap_year,
        activity_number,
        activity_text,
        activity_code,
        catalogue_activity,
        is_extra,
        periodicity,
        due_date,
        occurrence_number,
        status,
        case status
            when 'on_time' then 'выполнено в срок'
            when 'late' then 'выполнено с опозданием'
            when 'missing' then 'нет подтверждения'
            when 'not_due' then 'срок не наступил'
            else 'по мере необходимости'
        end as status_name,
        evidence_date,
        case when status = 'late' then {{ dbt.datediff('due_date', 'evidence_date', 'day') }} end as days_late,
        document_kind,
        case document_kind
            when 'roadmap' then 'дорожная карта'
            when 'order' then 'приказ'
            when 'certificate' then 'справка'
            when 'plan' then 'план'
            when 'programme' then 'программа'
            when 'letter' then 'письмо'
            when 'protocol' then 'протокол'
            when 'monitoring' then 'мониторинг'
            when 'analysis' then 'анализ'
            when 'report' then 'отчёт'
            when 'recommendations' then 'рекомендации'
            when 'other' then 'иной документ'
        end as document_kind_name,
        document_number,
        document_date,
        has_document_link,
        reported_without_document
    from statuses
)

{{ with_monitoring_window('statuses_of_cycle') }}
