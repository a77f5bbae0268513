-- The schools each school-level window concerns (windows of level school: school forms and computed windows),
-- by its school_group: 'all' — every school of the region's current registry (a school form is expected from
-- each); 'shnor' — the region's ШНОР of the window's year (federal or regional list in force); 'risk_zone' —
-- the schools on the region's zone-of-risk list of that year. With the lists each school is on that year.
with windows as (
    select
        monitoring_id,
        window_kind,
        school_group,
        region_code,
        cast(extract(year from window_open) as integer) as monitoring_year
    from {{ ref('stg_monitoring_calendar') }}
    where monitoring_level = 'school'
),

registry as (
    select
        schools.school_code,
        schools.school_name,
        schools.municipality_oktmo,
        municipalities.municipality_name,
        municipalities.oktmo_region_code
    from {{ ref('int_current_schools') }} as schools
    inner join {{ ref('int_current_municipalities') }} as municipalities
        on schools.municipality_oktmo = municipalities.municipality_oktmo
),

shnor as (
    select
        school_code,
        result_year,
        max(case when methodology = 'federal' then 1 else 0 end) = 1 as on_federal_list,
        max(case when methodology = 'regional' then 1 else 0 end) = 1 as on_regional_list
    from {{ ref('int_shnor_lists_in_force') }}
    group by school_code, result_year
),

risk_zone as (
    select school_code, list_year
    from {{ ref('int_school_list_membership') }}
    where is_risk_zone
)

select
    windows.monitoring_id,
    windows.window_kind,
    windows.school_group,
    windows.monitoring_year,
    registry.school_code,
    registry.school_name,
    registry.municipality_oktmo,
    registry.municipality_name,
    coalesce(shnor.on_federal_list, false) as on_federal_list,
    coalesce(shnor.on_regional_list, false) as on_regional_list,
    risk_zone.school_code is not null as on_risk_zone_list
from windows
inner join {{ ref('ref_regions') }} as regions
    on windows.region_code = regions.region_code
inner join registry
    on registry.oktmo_region_code = regions.oktmo_prefix
left join shnor
    on registry.school_code = shnor.school_code
   and shnor.result_year = windows.monitoring_year
left join risk_zone
    on registry.school_code = risk_zone.school_code
   and risk_zone.list_year = windows.monitoring_year
where windows.school_group = 'all'
   or (windows.school_group = 'shnor' and shnor.school_code is not null)
   or (windows.school_group = 'risk_zone' and risk_zone.school_code is not null)
