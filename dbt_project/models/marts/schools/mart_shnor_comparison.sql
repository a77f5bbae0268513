-- Seed 003: the federal and the regional ШНОР lists of the same year per municipality — in both, only
-- federal, only regional — with the biased-results flags, for every municipality of the registry (zeros
-- included). has_no_federal_listed_school marks seed 000's item 10: municipalities with no school on ФИОКО's
-- lists (ШНОР and biased results, «письмо ФГБУ «ФИОКО»») — the federal lists only, not the regional one.
with years as (
    select distinct result_year from {{ ref('int_shnor_membership') }}
),

municipalities as (
    select * from {{ ref('int_registry_municipalities') }}
),

counts as (
    {{ federal_regional_overlap(ref('int_shnor_membership')) }}
),

biased as (
    select registry.municipality_oktmo, lists.list_year as result_year, count(*) as biased_schools
    from {{ ref('int_school_list_membership') }} as lists
    inner join {{ ref('int_current_schools') }} as registry
        on lists.school_code = registry.school_code
    where lists.is_biased_results
    group by registry.municipality_oktmo, lists.list_year
),

federal_or_biased as (
    select registry.municipality_oktmo, lists.list_year as result_year, count(*) as schools
    from {{ ref('int_school_list_membership') }} as lists
    inner join {{ ref('int_current_schools') }} as registry
        on lists.school_code = registry.school_code
    where lists.is_federal_shnor or lists.is_biased_results
    group by registry.municipality_oktmo, lists.list_year
)

select
    municipalities.municipality_oktmo,
    municipalities.municipality_name,
    years.result_year,
    coalesce(counts.federal_schools, 0) as federal_schools,
    coalesce(counts.regional_schools, 0) as regional_schools,
    coalesce(counts.in_both, 0) as in_both,
    coalesce(counts.only_federal, 0) as only_federal,
    coalesce(counts.only_regional, 0) as only_regional,
    coalesce(biased.biased_schools, 0) as biased_schools,
    coalesce(federal_or_biased.schools, 0) = 0 as has_no_federal_listed_school
from municipalities
cross join years
left join counts
    on municipalities.municipality_oktmo = counts.municipality_oktmo
   and years.result_year = counts.result_year
left join biased
    on municipalities.municipality_oktmo = biased.municipality_oktmo
   and years.result_year = biased.result_year
left join federal_or_biased
    on municipalities.municipality_oktmo = federal_or_biased.municipality_oktmo
   and years.result_year = federal_or_biased.result_year
