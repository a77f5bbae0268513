-- The ШНОР lists a region works with in each year, per school: 'federal' — ФИОКО's published list; 'regional'
-- — the list the region published (seed 003: Crimea sends its lists by letter), or, in a year for which the
-- region published none, the schools the regional methodology identifies (mart_school_identification).
-- list_source says which. Municipality and region from the current registry.
with registry as (
    select
        schools.school_code,
        schools.municipality_oktmo,
        municipalities.oktmo_region_code
    from {{ ref('int_current_schools') }} as schools
    inner join {{ ref('int_current_municipalities') }} as municipalities
        on schools.municipality_oktmo = municipalities.municipality_oktmo
),

published as (
    select
        lists.school_code,
        lists.list_year as result_year,
        lists.is_federal_shnor,
        lists.is_published_regional_shnor,
        registry.oktmo_region_code
    from {{ ref('int_school_list_membership') }} as lists
    inner join registry
        on lists.school_code = registry.school_code
),

published_regional_years as (
    select distinct oktmo_region_code, result_year
    from published
    where is_published_regional_shnor
),

identified as (
    select
        identification.school_code,
        identification.result_year,
        registry.oktmo_region_code
    from {{ ref('int_school_identification') }} as identification
    inner join registry
        on identification.school_code = registry.school_code
    where identification.is_regional_shnor
),

members as (
    select school_code, result_year, 'federal' as methodology, 'published' as list_source
    from published
    where is_federal_shnor
    union all
    select school_code, result_year, 'regional', 'published'
    from published
    where is_published_regional_shnor
    union all
    select identified.school_code, identified.result_year, 'regional', 'identified'
    from identified
    left join published_regional_years as years
        on identified.oktmo_region_code = years.oktmo_region_code
       and identified.result_year = years.result_year
    where years.result_year is null
)

select
    members.school_code,
    members.result_year,
    members.methodology,
    members.list_source,
    registry.municipality_oktmo
from members
inner join registry
    on members.school_code = registry.school_code
