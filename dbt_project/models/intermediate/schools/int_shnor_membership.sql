-- ШНОР by methodology per school and year: 'federal' — on ФИОКО's published list; 'regional' — identified
-- by the regional methodology in mart_school_identification. Municipality from the current registry.
with members as (
    select school_code, list_year as result_year, 'federal' as methodology
    from {{ ref('int_school_list_membership') }}
    where is_federal_shnor
    union all
    select school_code, result_year, 'regional'
    from {{ ref('int_school_identification') }}
    where is_regional_shnor
)

select
    members.school_code,
    members.result_year,
    members.methodology,
    registry.municipality_oktmo
from members
inner join {{ ref('int_current_schools') }} as registry
    on members.school_code = registry.school_code
