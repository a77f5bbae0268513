-- Professional development and participation in events per person and year, from files that were not
-- refused; the same event reported again (half-year and year-end monitorings) counts once.
select distinct
    development.person_id,
    development.event_year,
    development.municipality_oktmo,
    development.school_code,
    development.event_kind,
    development.event_title,
    development.start_date,
    development.end_date,
    development.hours,
    development.result
from {{ ref('stg_professional_development') }} as development
inner join {{ ref('stg_files') }} as files
    on development.source_sha256 = files.source_sha256
where files.file_status <> 'rejected'
  and development.event_year is not null
