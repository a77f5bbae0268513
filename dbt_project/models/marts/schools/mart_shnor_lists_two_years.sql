-- The federal and the regional ШНОР lists in force side by side, for the window's year and the year before, per
-- municipality of the region (zeros included), for each window of the municipal-level monitoring over two years
-- (seed 003): on both lists, only on the federal one, only on the regional one.
with windows as (
    select monitoring_id, region_code, monitoring_year
    from {{ ref('int_monitoring_windows') }}
    where window_kind = 'municipal_two_year'
),

grid as (
    select
        windows.monitoring_id,
        windows.monitoring_year,
        municipalities.municipality_oktmo,
        municipalities.municipality_name,
        years.year_offset,
        windows.monitoring_year - years.year_offset as result_year
    from windows
    inner join {{ ref('ref_regions') }} as regions
        on windows.region_code = regions.region_code
    inner join {{ ref('dim_municipality') }} as municipalities
        on municipalities.oktmo_region_code = regions.oktmo_prefix
    cross join (select 0 as year_offset union all select 1) as years
),

per_school as (
    select
        municipality_oktmo,
        result_year,
        school_code,
        max(case when methodology = 'federal' then 1 else 0 end) as on_federal,
        max(case when methodology = 'regional' then 1 else 0 end) as on_regional
    from {{ ref('int_shnor_lists_in_force') }}
    group by municipality_oktmo, result_year, school_code
),

counts as (
    select
        municipality_oktmo,
        result_year,
        {{ list_overlap('on_federal', 'on_regional', 'federal_schools', 'regional_schools',
                        'in_both', 'only_federal', 'only_regional') }}
    from per_school
    group by municipality_oktmo, result_year
),

lists as (
    select
        grid.monitoring_id,
        grid.municipality_oktmo,
        grid.municipality_name,
        grid.result_year,
        coalesce(counts.federal_schools, 0) as federal_schools,
        coalesce(counts.regional_schools, 0) as regional_schools,
        coalesce(counts.in_both, 0) as in_both,
        coalesce(counts.only_federal, 0) as only_federal,
        coalesce(counts.only_regional, 0) as only_regional
    from grid
    left join counts
        on grid.municipality_oktmo = counts.municipality_oktmo
       and grid.result_year = counts.result_year
)

{{ with_monitoring_window('lists') }}
