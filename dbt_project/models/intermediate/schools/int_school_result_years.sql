-- Each school's results per procedure and year, every subject and grade pooled over the cells that are not
-- suppressed as too small: participants, participants with a low result (share × participants) and their share,
-- the mean result weighted by participants (rounded to 1e-9 so both engines agree). The dynamics marts compare
-- two years of these.
select
    school_code,
    assessment_procedure,
    assessment_year,
    count(*) as result_cells,
    cast(sum(participants) as bigint) as participants,
    {{ stable_round('sum(low_result_share * participants)') }} as low_results,
    {{ stable_round('sum(low_result_share * participants) / nullif(sum(participants), 0)') }} as low_result_share,
    {{ stable_round('sum(mean_result * participants) / nullif(sum(case when mean_result is not null then participants end), 0)') }}
        as mean_result
from {{ ref('int_assessment_results') }}
where not is_suppressed
  and low_result_share is not null
group by school_code, assessment_procedure, assessment_year
