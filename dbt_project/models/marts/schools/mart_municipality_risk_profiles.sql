-- Risk factors per municipality and year: how many schools meet each factor, and how many of them are
-- ШНОР (regional methodology or the federal list) — every factor of the seed is listed, zeros included.
with schools as (
    select school_code, result_year, municipality_oktmo, municipality_name,
           is_regional_shnor or is_federal_shnor as is_shnor
    from {{ ref('mart_school_identification') }}
),

factors as (
    select factor_code, factor_name from {{ ref('school_factors') }} where factor_set = 'risk_profile'
),

hits as (
    select
        schools.municipality_oktmo,
        schools.result_year,
        profiles.factor_code,
        cast(count(*) as integer) as schools_with_factor,
        cast(sum(case when schools.is_shnor then 1 else 0 end) as integer) as shnor_with_factor
    from {{ ref('mart_school_risk_profiles') }} as profiles
    inner join schools
        on profiles.school_code = schools.school_code
       and profiles.result_year = schools.result_year
    group by schools.municipality_oktmo, schools.result_year, profiles.factor_code
),

totals as (
    select municipality_oktmo, municipality_name, result_year, count(*) as schools_total,
           cast(sum(case when is_shnor then 1 else 0 end) as integer) as shnor_total
    from schools
    group by municipality_oktmo, municipality_name, result_year
)

select
    totals.municipality_oktmo,
    totals.municipality_name,
    totals.result_year,
    factors.factor_code,
    factors.factor_name,
    totals.schools_total,
    coalesce(hits.schools_with_factor, 0) as schools_with_factor,
    totals.shnor_total,
    coalesce(hits.shnor_with_factor, 0) as shnor_with_factor
from totals
cross join factors
left join hits
    on totals.municipality_oktmo = hits.municipality_oktmo
   and totals.result_year = hits.result_year
   and factors.factor_code = hits.factor_code
