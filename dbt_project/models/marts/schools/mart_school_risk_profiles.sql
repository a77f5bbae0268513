-- «500+»-style risk profile per school and year: one row per risk factor the school meets, with its value
-- and the threshold (school_factors seed, factor_set risk_profile).
select
    factors.school_code,
    factors.result_year,
    registry.municipality_oktmo,
    factors.factor_code,
    factors.factor_name,
    factors.variable,
    factors.variable_value,
    factors.direction,
    factors.threshold
from {{ ref('int_school_factors') }} as factors
inner join {{ ref('int_current_schools') }} as registry
    on factors.school_code = registry.school_code
where factors.factor_set = 'risk_profile'
