-- Every named threshold of the project, each from its one place: the regional letter's and the ШНОР list's (dbt
-- vars of dbt_project.yml, listed with their meaning in macros/letter_thresholds.sql) and the methodology's (rows
-- of seed methodology_parameters, with their source). A name lives in one of the two, never both
-- (tests/test_thresholds_one_place.py). Reports read them here: the weak line that colours the charts and the
-- sheets is this value, never a number in Python.
with letter as (
    {{ letter_thresholds() }}
)

select
    threshold_name,
    threshold_unit,
    threshold_value,
    description,
    'dbt_var' as threshold_source,
    cast(null as boolean) as is_regional_choice
from letter

union all

select
    parameter as threshold_name,
    unit as threshold_unit,
    value as threshold_value,
    source as description,
    'methodology_parameters' as threshold_source,
    is_regional_choice
from {{ ref('methodology_parameters') }}
