-- ИОР per school and year. Each component (ior_components seed) is standardised within the region, year,
-- procedure, subject and grade: z = (value − mean) / population standard deviation over the schools whose
-- cell is not suppressed. A cell's score is Σ direction·weight·z over components; ИОР is the mean over
-- the school's cells, rounded to 1e-9 (stable_round). Higher is better; 0 is the regional average.
with components as (
    select * from {{ ref('ior_components') }}
),

cells as (
    select
        results.school_code,
        substr(results.municipality_oktmo, 1, 2) as region_prefix,
        results.assessment_year as result_year,
        results.assessment_procedure,
        results.subject,
        results.grade,
        components.component_code,
        components.metric,
        components.direction,
        components.weight,
        case components.metric
            when 'low_result_share' then results.low_result_share
            when 'mean_result' then results.mean_result
        end as metric_value
    from {{ ref('int_assessment_results') }} as results
    inner join components
        on results.assessment_procedure = components.assessment_procedure
    where not results.is_suppressed
),

standardised as (
    select
        cells.*,
        (metric_value - avg(metric_value) over cell_group)
            / nullif(stddev_pop(metric_value) over cell_group, 0) as z_score
    from cells
    where metric_value is not null
    window cell_group as (partition by region_prefix, result_year, assessment_procedure, subject, grade, component_code)
),

cell_scores as (
    select
        school_code,
        result_year,
        assessment_procedure,
        subject,
        grade,
        sum(direction * weight * z_score) as cell_score,
        max(case when metric = 'low_result_share' then metric_value end) as low_result_share,
        max(case when metric = 'mean_result' then metric_value end) as mean_result
    from standardised
    group by school_code, result_year, assessment_procedure, subject, grade
)

select
    school_code,
    result_year,
    count(*) as cells_used,
    {{ stable_round('avg(cell_score)') }} as ior,
    avg(low_result_share) as mean_low_result_share,
    avg(mean_result) as mean_result
from cell_scores
group by school_code, result_year
