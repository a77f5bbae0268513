-- Factors a school meets in a year: its variable compared with the factor's threshold from the
-- school_factors seed (at_least: value ≥ threshold; below: value < threshold). Unknown values meet nothing.
select
    variables.school_code,
    variables.result_year,
    factors.factor_set,
    factors.factor_code,
    factors.factor_name,
    factors.variable,
    variables.variable_value,
    factors.direction,
    factors.threshold,
    factors.weight
from {{ ref('int_school_variables') }} as variables
inner join {{ ref('school_factors') }} as factors
    on variables.variable = factors.variable
where (factors.direction = 'at_least' and variables.variable_value >= factors.threshold)
   or (factors.direction = 'below' and variables.variable_value < factors.threshold)
