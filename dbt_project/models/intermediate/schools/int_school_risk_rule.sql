-- The risk rule per school and year: a procedure (procedure, subject, grade) is low when at least
-- risk_low_share of participants got «2» or stayed below the minimum. A school meets the rule with low
-- results in risk_min_procedures or more procedures of a year, or in the same procedure two years running.
-- Suppressed cells never count: too few participants to judge.
with low_cells as (
    select
        school_code,
        assessment_year as result_year,
        assessment_procedure,
        subject,
        grade,
        low_result_share,
        assessment_procedure || ' ' || subject || ', ' || cast(grade as varchar) || ' кл.' as procedure_label
    from {{ ref('int_assessment_results') }}
    where not is_suppressed
      and low_result_share >= {{ methodology_parameter('risk_low_share') }}
),

per_year as (
    select
        school_code,
        result_year,
        count(*) as low_procedures,
        string_agg(procedure_label || ' — ' || {{ percent_text('low_result_share') }} || ' %', '; '
                   order by procedure_label) as low_procedures_detail
    from low_cells
    group by school_code, result_year
),

repeated as (
    select
        current_year.school_code,
        current_year.result_year,
        count(*) as repeated_procedures,
        string_agg(current_year.procedure_label || ' — ' || {{ percent_text('previous_year.low_result_share') }}
                   || ' % и ' || {{ percent_text('current_year.low_result_share') }} || ' %', '; '
                   order by current_year.procedure_label) as repeated_procedures_detail
    from low_cells as current_year
    inner join low_cells as previous_year
        on current_year.school_code = previous_year.school_code
       and current_year.assessment_procedure = previous_year.assessment_procedure
       and current_year.subject = previous_year.subject
       and current_year.grade = previous_year.grade
       and previous_year.result_year = current_year.result_year - 1
    group by current_year.school_code, current_year.result_year
)

select
    per_year.school_code,
    per_year.result_year,
    per_year.low_procedures,
    per_year.low_procedures_detail,
    coalesce(repeated.repeated_procedures, 0) as repeated_procedures,
    repeated.repeated_procedures_detail,
    per_year.low_procedures >= {{ methodology_parameter('risk_min_procedures') }} as meets_several_procedures,
    coalesce(repeated.repeated_procedures, 0) > 0 as meets_repeated_procedure
from per_year
left join repeated
    on per_year.school_code = repeated.school_code
   and per_year.result_year = repeated.result_year
