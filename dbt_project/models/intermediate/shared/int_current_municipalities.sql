-- One row per ОКТМО: each municipality under its current name and kind (the version int_municipalities marks
-- is_current). Every model that names a municipality, or lists a region's municipalities, joins this one: a
-- municipality renamed in 2025 (a district turned into an okrug) stays one row, named as today, in every year of
-- every mart, so a BI dashboard groups it under one label and nothing is counted twice.
select
    municipality_oktmo,
    municipality_name,
    municipality_kind,
    oktmo_region_code
from {{ ref('int_municipalities') }}
where is_current
