-- Each school and results year with the ОО-1 year that describes it. ОО-1 is taken at the start of a
-- school year, so the spring procedures of year Y belong with ОО-1 of Y-1; when that year is not loaded,
-- the nearest loaded year stands in (earlier first), and context_year says which was used. region_prefix:
-- the region (first two ОКТМО digits) within which ИОР is standardised and ranked.
with result_years as (
    select distinct school_code, assessment_year as result_year
    from {{ ref('int_assessment_results') }}
),

candidates as (
    select
        result_years.school_code,
        result_years.result_year,
        schools.data_year as context_year,
        substr(schools.municipality_oktmo, 1, 2) as region_prefix,
        row_number() over (
            partition by result_years.school_code, result_years.result_year
            order by abs(schools.data_year - (result_years.result_year - 1)), schools.data_year
        ) as nearness
    from result_years
    inner join {{ ref('int_schools') }} as schools
        on result_years.school_code = schools.school_code
)

select school_code, result_year, context_year, region_prefix
from candidates
where nearness = 1
