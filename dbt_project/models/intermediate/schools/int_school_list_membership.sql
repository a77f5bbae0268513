-- Which published lists a school is on in a year (matched schools only; unmatched names wait in
-- audit.name_review): federal ШНОР (ФИОКО), the region's own published list, «500+», post-project,
-- biased results, the region's zone of risk (seed 003, track 2). Refused files do not count; when a region's list of a year arrived in several files, the
-- latest wins (a school dropped from the corrected list leaves it).
with ranked as (
    {{ rows_ranked_by_latest_file('stg_school_lists') }}
)

select
    school_code,
    list_year,
    max(case when list_kind = 'shnor_federal' then 1 else 0 end) = 1 as is_federal_shnor,
    max(case when list_kind = 'shnor_regional' then 1 else 0 end) = 1 as is_published_regional_shnor,
    max(case when list_kind = 'project_500' then 1 else 0 end) = 1 as is_project_500,
    max(case when list_kind = 'post_project' then 1 else 0 end) = 1 as is_post_project,
    max(case when list_kind = 'biased_results' then 1 else 0 end) = 1 as is_biased_results,
    max(case when list_kind = 'risk_zone' then 1 else 0 end) = 1 as is_risk_zone
from ranked
where school_code is not null and file_rank = 1
group by school_code, list_year
