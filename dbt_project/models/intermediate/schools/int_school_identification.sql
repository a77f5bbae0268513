-- ШНОР by the regional methodology per school and year, beside the published lists: ИОР and its place in
-- the context cluster, the risk rule, the federal list, «500+», the biased-results flag, mentoring, and
-- the reasons in words. A school on ФИОКО's biased-results list is flagged, never silently kept or dropped.
with reasons as (
    select
        school_code,
        result_year,
        max(case when identifies_shnor then 1 else 0 end) = 1 as is_regional_shnor,
        string_agg(rule_name, '; ' order by rule_code) as reasons
    from {{ ref('int_school_identification_reasons') }}
    group by school_code, result_year
),

mentors as (
    select school_code, assignment_year, count(distinct person_id) as mentors_assigned
    from {{ ref('int_mentor_assignments') }}
    group by school_code, assignment_year
)

select
    schools.school_code,
    schools.result_year,
    dim.school_name,
    dim.municipality_oktmo,
    dim.municipality_name,
    dim.school_level,
    schools.context_year,
    schools.context_index,
    schools.cluster_code,
    schools.cluster_name,
    schools.is_sscu,
    schools.ior,
    schools.ior_cells_used,
    schools.ior_cluster_rank,
    schools.ior_cluster_size,
    schools.is_lowest_ior,
    previous.ior as previous_ior,
    schools.ior - previous.ior as ior_change,
    coalesce(risk.low_procedures, 0) as low_procedures,
    coalesce(risk.repeated_procedures, 0) as repeated_procedures,
    coalesce(risk.meets_several_procedures or risk.meets_repeated_procedure, false) as meets_risk_rule,
    coalesce(reasons.is_regional_shnor, false) as is_regional_shnor,
    coalesce(lists.is_federal_shnor, false) as is_federal_shnor,
    coalesce(lists.is_published_regional_shnor, false) as is_published_regional_shnor,
    coalesce(lists.is_project_500, false) as is_project_500,
    coalesce(lists.is_biased_results, false) as is_biased_results,
    coalesce(mentors.mentors_assigned, 0) as mentors_assigned,
    reasons.reasons
from {{ ref('int_school_context_clusters') }} as schools
inner join {{ ref('int_schools') }} as dim
    on schools.school_code = dim.school_code
   and schools.context_year = dim.data_year
left join {{ ref('int_school_context_clusters') }} as previous
    on schools.school_code = previous.school_code
   and previous.result_year = schools.result_year - 1
left join {{ ref('int_school_risk_rule') }} as risk
    on schools.school_code = risk.school_code
   and schools.result_year = risk.result_year
left join reasons
    on schools.school_code = reasons.school_code
   and schools.result_year = reasons.result_year
left join {{ ref('int_school_list_membership') }} as lists
    on schools.school_code = lists.school_code
   and schools.result_year = lists.list_year
left join mentors
    on schools.school_code = mentors.school_code
   and schools.result_year = mentors.assignment_year
