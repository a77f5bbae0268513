-- The two-year comparison of seed 003 in numbers, for each window of the municipal-level monitoring over two
-- years: per municipality of the region (zeros included) and methodology, ШНОР in the year before and in the
-- window's year, how many stayed, entered and left (from mart_shnor_two_year_changes).
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
    inner join {{ ref('int_municipalities') }} as municipalities
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
        cast(coalesce(counts.current_schools, 0) - coalesce(counts.previous_schools, 0) as bigint) as count_change
    from grid
    left join counts
        on grid.monitoring_id = counts.monitoring_id
       and grid.municipality_oktmo = counts.municipality_oktmo
       and grid.methodology = counts.methodology
)

{{ with_monitoring_window('dynamics') }}
