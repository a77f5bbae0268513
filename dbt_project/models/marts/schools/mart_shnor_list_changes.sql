-- Per municipality and year, the computed ШНОР list (mart_shnor_list_status) in counts: on the list, identified
-- that year, kept by the exit rule, entered, persisting, exited (empty in the region's first loaded year) and
-- schools close to low results. Every municipality of the registry, zeros included.
with status as (
    select * from {{ ref('mart_shnor_list_status') }}
),

years as (
    select result_year, max(case when was_on_list is not null then 1 else 0 end) as has_previous_year
    from status
    group by result_year
),

counts as (
    select
        municipality_oktmo,
        result_year,
        sum(case when is_on_list then 1 else 0 end) as on_list,
        sum(case when is_identified then 1 else 0 end) as identified,
        sum(case when is_kept_by_exit_rule then 1 else 0 end) as kept_by_exit_rule,
        sum(case when list_status = 'entered' then 1 else 0 end) as entered,
        sum(case when list_status = 'persisting' then 1 else 0 end) as persisting,
        sum(case when list_status = 'exited' then 1 else 0 end) as exited,
        sum(case when is_cusp then 1 else 0 end) as cusp_schools
    from status
    group by municipality_oktmo, result_year
)

select
    municipalities.municipality_oktmo,
    municipalities.municipality_name,
    years.result_year,
    cast(coalesce(counts.on_list, 0) as integer) as on_list,
    cast(coalesce(counts.identified, 0) as integer) as identified,
    cast(coalesce(counts.kept_by_exit_rule, 0) as integer) as kept_by_exit_rule,
    case when years.has_previous_year = 1 then cast(coalesce(counts.entered, 0) as integer) end as entered,
    case when years.has_previous_year = 1 then cast(coalesce(counts.persisting, 0) as integer) end as persisting,
    case when years.has_previous_year = 1 then cast(coalesce(counts.exited, 0) as integer) end as exited,
    cast(coalesce(counts.cusp_schools, 0) as integer) as cusp_schools
from {{ ref('int_registry_municipalities') }} as municipalities
cross join years
left join counts
    on municipalities.municipality_oktmo = counts.municipality_oktmo
   and years.result_year = counts.result_year
