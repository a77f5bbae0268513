-- The two-year comparison of seed 003 in numbers, for each window of the municipal-level monitoring over two
-- years: per municipality of the region (zeros included) and methodology, ШНОР in the year before and in the
-- window's year, how many stayed, entered and left (from mart_shnor_two_year_changes), and in each of the two
-- years how many of them are on the other methodology's list too and how many on this one only (the federal and
-- the regional lists side by side; mart_shnor_lists_two_years before 2026-12).
with windows as (
    {{ two_year_windows() }}
),

grid as (
    select
        windows.monitoring_id,
        windows.monitoring_year,
        municipalities.municipality_oktmo,
        municipalities.municipality_name,
        methodologies.methodology
    from windows
    inner join {{ ref('int_current_municipalities') }} as municipalities
        on municipalities.oktmo_region_code = windows.oktmo_prefix
    cross join (select 'federal' as methodology union all select 'regional') as methodologies
),

counts as (
    select
        monitoring_id,
        municipality_oktmo,
        methodology,
        sum(case when was_on_list then 1 else 0 end) as previous_schools,
        sum(case when is_on_list then 1 else 0 end) as current_schools,
        sum(case when list_change = 'stayed' then 1 else 0 end) as stayed,
        sum(case when list_change = 'entered' then 1 else 0 end) as entered,
        sum(case when list_change = 'left' then 1 else 0 end) as left_list
    from {{ ref('mart_shnor_two_year_changes') }}
    group by monitoring_id, municipality_oktmo, methodology
),

overlap as (
    {{ federal_regional_overlap(ref('int_shnor_lists_in_force')) }}
),

dynamics as (
    select
        grid.monitoring_id,
        grid.municipality_oktmo,
        grid.municipality_name,
        grid.methodology,
        {{ code_label('methodology', 'grid.methodology') }} as methodology_label,
        cast(coalesce(counts.previous_schools, 0) as bigint) as previous_schools,
        cast(coalesce(counts.current_schools, 0) as bigint) as current_schools,
        cast(coalesce(counts.stayed, 0) as bigint) as stayed,
        cast(coalesce(counts.entered, 0) as bigint) as entered,
        cast(coalesce(counts.left_list, 0) as bigint) as left_list,
        cast(coalesce(counts.current_schools, 0) - coalesce(counts.previous_schools, 0) as bigint) as count_change,
        cast(coalesce(previous_overlap.in_both, 0) as bigint) as previous_on_both_lists,
        cast(coalesce(case when grid.methodology = 'federal' then previous_overlap.only_federal
                           else previous_overlap.only_regional end, 0) as bigint) as previous_only_this_list,
        cast(coalesce(current_overlap.in_both, 0) as bigint) as current_on_both_lists,
        cast(coalesce(case when grid.methodology = 'federal' then current_overlap.only_federal
                           else current_overlap.only_regional end, 0) as bigint) as current_only_this_list
    from grid
    left join counts
        on grid.monitoring_id = counts.monitoring_id
       and grid.municipality_oktmo = counts.municipality_oktmo
       and grid.methodology = counts.methodology
    left join overlap as previous_overlap
        on grid.municipality_oktmo = previous_overlap.municipality_oktmo
       and previous_overlap.result_year = grid.monitoring_year - 1
    left join overlap as current_overlap
        on grid.municipality_oktmo = current_overlap.municipality_oktmo
       and current_overlap.result_year = grid.monitoring_year
)

{{ with_monitoring_window('dynamics') }}
