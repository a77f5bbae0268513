-- How many schools of each municipality are on each list of a year (codes and names in seed shnor_lists):
-- ФИОКО's ШНОР list (federal), its biased-results list (biased) and the two together (fioco_lists, as the
-- letter of seed 000 counts them), the region's published list, the list computed by the regional methodology
-- with its exit rule, the union the municipality works with (federal_or_published), and schools close to low
-- results (cusp). A list has rows only for the years and regions it was loaded or computed for; there every
-- municipality of the registry has a row, zeros included.
with registry as (
    select school_code, municipality_oktmo, substr(municipality_oktmo, 1, 2) as region_prefix
    from {{ ref('int_current_schools') }}
),

published as (
    select
        registry.region_prefix,
        registry.municipality_oktmo,
        lists.school_code,
        lists.list_year as school_year,
        lists.is_federal_shnor,
        lists.is_biased_results,
        lists.is_published_regional_shnor
    from {{ ref('int_school_list_membership') }} as lists
    inner join registry
        on lists.school_code = registry.school_code
),

computed as (
    select
        substr(municipality_oktmo, 1, 2) as region_prefix,
        municipality_oktmo,
        school_code,
        result_year as school_year,
        is_on_list,
        is_cusp
    from {{ ref('int_shnor_list_status') }}
),

members as (
    select region_prefix, municipality_oktmo, school_code, school_year, 'federal' as list_code,
           is_federal_shnor as is_member
    from published
    union all
    select region_prefix, municipality_oktmo, school_code, school_year, 'biased', is_biased_results
    from published
    union all
    select region_prefix, municipality_oktmo, school_code, school_year, 'fioco_lists',
           is_federal_shnor or is_biased_results
    from published
    union all
    select region_prefix, municipality_oktmo, school_code, school_year, 'published_regional',
           is_published_regional_shnor
    from published
    union all
    select region_prefix, municipality_oktmo, school_code, school_year, 'federal_or_published',
           is_federal_shnor or is_published_regional_shnor
    from published
    union all
    select region_prefix, municipality_oktmo, school_code, school_year, 'computed_regional', is_on_list
    from computed
    union all
    select region_prefix, municipality_oktmo, school_code, school_year, 'cusp', is_cusp
    from computed
),

loaded as (
    -- a list counts in a region and year only if some school of the region is on it then (for the lists of
    -- files), or the methodology was computed then (computed lists: zero is a result)
    select distinct region_prefix, school_year, list_code
    from members
    where is_member or list_code in ('computed_regional', 'cusp')
),

counts as (
    select municipality_oktmo, school_year, list_code, count(distinct school_code) as schools
    from members
    where is_member
    group by municipality_oktmo, school_year, list_code
)

select
    municipalities.municipality_oktmo,
    loaded.school_year,
    loaded.list_code,
    lists.list_label,
    cast(coalesce(counts.schools, 0) as integer) as schools
from loaded
inner join {{ ref('shnor_lists') }} as lists
    on loaded.list_code = lists.list_code
inner join {{ ref('int_registry_municipalities') }} as municipalities
    on substr(municipalities.municipality_oktmo, 1, 2) = loaded.region_prefix
left join counts
    on municipalities.municipality_oktmo = counts.municipality_oktmo
   and loaded.school_year = counts.school_year
   and loaded.list_code = counts.list_code
