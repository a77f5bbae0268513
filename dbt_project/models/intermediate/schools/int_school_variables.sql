-- The school variables that context and risk factors are defined on, one row per school, year and
-- variable, so that factors stay data (school_factors seed) and adding one needs no new SQL.
with schools as (
    select
        years.result_year,
        dim.*
    from {{ ref('int_school_context_years') }} as years
    inner join {{ ref('int_schools') }} as dim
        on years.school_code = dim.school_code
       and years.context_year = dim.data_year
),

vpr as (
    select
        school_code,
        assessment_year as result_year,
        avg(low_result_share) as vpr_mark_2_share
    from {{ ref('int_assessment_results') }}
    where assessment_procedure = 'ВПР' and not is_suppressed
    group by school_code, assessment_year
),

variables as (
    select school_code, result_year, 'is_rural' as variable,
           case when is_rural then 1.0 else 0.0 end as variable_value
    from schools
    union all
    select school_code, result_year, 'is_small_school', case when is_small_school then 1.0 else 0.0 end
    from schools
    union all
    select school_code, result_year, 'ovz_share', ovz_share
    from schools
    union all
    select school_code, result_year, 'vacancy_share',
           cast(teacher_vacancies as double precision) / nullif(teachers_total, 0)
    from schools
    union all
    select school_code, result_year, 'computers_per_100_pupils',
           100.0 * computers_total / nullif(pupils_total, 0)
    from schools
    union all
    select school_code, result_year, 'has_internet', case when has_internet then 1.0 else 0.0 end
    from schools
    union all
    select school_code, result_year, 'higher_category_share',
           cast(teachers_higher_category as double precision) / nullif(teachers_total, 0)
    from schools
    union all
    select school_code, result_year, 'teachers_60_plus_share',
           cast(teachers_60_plus as double precision) / nullif(teachers_total, 0)
    from schools
    union all
    select school_code, result_year, 'vpr_mark_2_share', vpr_mark_2_share
    from vpr
)

select school_code, result_year, variable, cast(variable_value as double precision) as variable_value
from variables
where variable_value is not null
