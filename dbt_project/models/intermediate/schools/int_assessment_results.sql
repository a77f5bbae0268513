-- Results per school, procedure, subject, grade and year: participants, share of low marks (2 in ВПР,
-- below the minimum in ОГЭ/ЕГЭ) and the mean mark or score. Cells with fewer participants than the
-- methodology's min_participants are statistically unreliable: kept, marked suppressed, metrics unknown.
-- Only files that were not refused count; when a school's cell arrived in several files, the latest
-- received one wins (a corrected table replaces the first; regions' files never displace each other).
-- A school is the registry's (its code) or unregistered (key «u-…», is_registered false): both count; a name
-- still waiting for a person's decision has no key and waits in review (identity.school_names).
with ranked_cells as (
    {{ rows_ranked_by_latest_file('stg_assessment_results') }}
),

results as (
    select
        school_code,
        municipality_oktmo,
        is_registered,
        assessment_procedure,
        assessment_year,
        subject,
        grade,
        max(case when metric = 'participants' then metric_value end) as participants,
        max(case when metric = 'mark_2_share' then metric_value end) as mark_2_share,
        max(case when metric = 'mark_3_share' then metric_value end) as mark_3_share,
        max(case when metric = 'mark_4_share' then metric_value end) as mark_4_share,
        max(case when metric = 'mark_5_share' then metric_value end) as mark_5_share,
        max(case when metric = 'below_minimum' then metric_value end) as below_minimum,
        max(case when metric = 'mean_score' then metric_value end) as mean_score,
        -- lineage: the one file that counts for the cell (file_rank 1) and its first source row; every row
        -- behind the cell is in fct_source_rows
        min(source_sha256) as source_sha256,
        min(source_row_id) as source_row_id
    from ranked_cells
    where school_code is not null and file_rank = 1
    group by school_code, municipality_oktmo, is_registered, assessment_procedure, assessment_year, subject, grade
),

measured as (
    select
        results.*,
        case
            when assessment_procedure = 'ВПР' then mark_2_share
            else below_minimum / nullif(participants, 0)
        end as low_result_share,
        case
            when assessment_procedure = 'ВПР'
                then 2 * mark_2_share + 3 * mark_3_share + 4 * mark_4_share + 5 * mark_5_share
            else mean_score
        end as mean_result,
        participants < {{ methodology_parameter('min_participants') }} as is_suppressed
    from results
)

select
    school_code,
    municipality_oktmo,
    assessment_procedure,
    assessment_year,
    subject,
    grade,
    cast(participants as bigint) as participants,  -- a count: the readers take whole numbers only (type count)
    is_suppressed,
    case when is_suppressed then null else low_result_share end as low_result_share,
    case when is_suppressed then null else mean_result end as mean_result,
    is_registered,
    source_sha256,
    source_row_id
from measured
