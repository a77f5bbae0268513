-- The municipalities that have schools in the current registry: the rows of the school-list marts, zeros
-- included, so a municipality without ШНОР still appears.
select distinct
    registry.municipality_oktmo,
    municipalities.municipality_name
from {{ ref('int_current_schools') }} as registry
inner join {{ ref('int_current_municipalities') }} as municipalities
    on registry.municipality_oktmo = municipalities.municipality_oktmo
