-- Each municipality's roadmap of a year against the catalogue (seed 001's 25 activities): every catalogue
-- activity, in the plan or left out, with the municipality's number, wording and periodicity where planned
-- (and whether the periodicity differs from the catalogue's), and the municipality's own extra activities.
with roadmaps as (
    select distinct municipality_oktmo, roadmap_year
    from {{ ref('int_roadmap_plan') }}
),

planned as (
    select
        municipality_oktmo,
        roadmap_year,
        activity_code,
        min(activity_number) as activity_number,
        count(*) as plan_rows,
        max(activity_text) as activity_text,
        max(periodicity) as periodicity,
        max(case when periodicity_differs then 1 else 0 end) = 1 as periodicity_differs,
        max(match_score) as match_score
    from {{ ref('int_roadmap_plan') }}
    where activity_code is not null
    group by municipality_oktmo, roadmap_year, activity_code
),

catalogue_rows as (
    select
        roadmaps.municipality_oktmo,
        roadmaps.roadmap_year,
        catalogue.activity_code,
        catalogue.activity_number as catalogue_number,
        catalogue.activity as catalogue_activity,
        catalogue.periodicity as catalogue_periodicity,
        planned.activity_code is not null as in_plan,
        false as is_extra,
        planned.activity_number,
        planned.activity_text,
        planned.periodicity,
        coalesce(planned.periodicity_differs, false) as periodicity_differs,
        coalesce(planned.plan_rows, 0) as plan_rows,
        planned.match_score
    from roadmaps
    cross join {{ ref('roadmap_catalogue') }} as catalogue
    left join planned
        on planned.municipality_oktmo = roadmaps.municipality_oktmo
       and planned.roadmap_year = roadmaps.roadmap_year
       and planned.activity_code = catalogue.activity_code
),

extra_rows as (
    select
        municipality_oktmo,
        roadmap_year,
        cast(null as varchar) as activity_code,
        cast(null as integer) as catalogue_number,
        cast(null as varchar) as catalogue_activity,
        cast(null as varchar) as catalogue_periodicity,
        true as in_plan,
        true as is_extra,
        activity_number,
        activity_text,
        periodicity,
        false as periodicity_differs,
        1 as plan_rows,
        match_score
    from {{ ref('int_roadmap_plan') }}
    where activity_code is null
),

all_rows as (
    select * from catalogue_rows
    union all
    select * from extra_rows
)

select
    all_rows.municipality_oktmo,
    municipalities.municipality_name,
    all_rows.roadmap_year,
    all_rows.activity_code,
    all_rows.catalogue_number,
    all_rows.catalogue_activity,
    all_rows.catalogue_periodicity,
    {{ code_label('periodicity', 'all_rows.catalogue_periodicity') }} as catalogue_periodicity_label,
    all_rows.in_plan,
    all_rows.is_extra,
    all_rows.activity_number,
    all_rows.activity_text,
    all_rows.periodicity,
    {{ code_label('periodicity', 'all_rows.periodicity') }} as periodicity_label,
    all_rows.periodicity_differs,
    all_rows.plan_rows,
    all_rows.match_score
from all_rows
inner join {{ ref('int_current_municipalities') }} as municipalities
    on all_rows.municipality_oktmo = municipalities.municipality_oktmo
