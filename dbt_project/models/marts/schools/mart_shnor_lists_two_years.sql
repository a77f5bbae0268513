-- The federal and the regional ШНОР lists in force side by side, for the window's year and the year before, per
-- municipality of the region (zeros included), for each window of the municipal-level monitoring over two years
-- (seed 003): on both lists, only on the federal one, only on the regional one.
with windows as (
    {{ two_year_windows() }}
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
    inner join {{ ref('int_municipalities') }} as municipalities
        on municipalities.oktmo_region_code = windows.oktmo_prefix
    cross join (select 0 as year_offset union all select 1) as years
),

counts as (
    {{ federal_regional_overlap(ref('int_shnor_lists_in_force')) }}
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
