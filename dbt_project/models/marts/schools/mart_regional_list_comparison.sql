-- The region's published ШНОР list beside the list computed by the regional methodology (with its exit rule,
-- mart_shnor_list_status), school by school, for the years the region published a list: on both, only on the
-- published one, only on the computed one — and why, in words from the methodology's own values.
with published as (
    select
        lists.school_code,
        lists.list_year as result_year,
        substr(registry.municipality_oktmo, 1, 2) as region_prefix
    from {{ ref('int_school_list_membership') }} as lists
    inner join {{ ref('int_current_schools') }} as registry
        on lists.school_code = registry.school_code
    where lists.is_published_regional_shnor
),

published_years as (
    select distinct region_prefix, result_year from published
),

computed as (
    select status.school_code, status.result_year
    from {{ ref('mart_shnor_list_status') }} as status
    inner join published_years
        on substr(status.municipality_oktmo, 1, 2) = published_years.region_prefix
       and status.result_year = published_years.result_year
    where status.is_on_list
),

listed as (
    select school_code, result_year, max(is_published) = 1 as is_published, max(is_computed) = 1 as is_computed
    from (
        select school_code, result_year, 1 as is_published, 0 as is_computed from published
        union all
        select school_code, result_year, 0 as is_published, 1 as is_computed from computed
    ) as lists
    group by school_code, result_year
),

compared as (
    select
        listed.school_code,
        listed.result_year,
        registry.school_name,
        registry.municipality_oktmo,
        municipalities.municipality_name,
        listed.is_published,
        listed.is_computed,
        -- the computed list's values and the identification's, which the reason quotes
        status.ior, status.threshold_ior, status.distance_to_threshold, status.is_cusp, status.is_kept_by_exit_rule,
        status.years_since_identified, status.last_identified_year,
        identification.cluster_name, identification.ior_cluster_rank, identification.ior_cluster_size,
        identification.low_procedures, identification.reasons
    from listed
    inner join {{ ref('int_current_schools') }} as registry
        on listed.school_code = registry.school_code
    inner join {{ ref('int_current_municipalities') }} as municipalities
        on registry.municipality_oktmo = municipalities.municipality_oktmo
    left join {{ ref('mart_shnor_list_status') }} as status
        on listed.school_code = status.school_code
       and listed.result_year = status.result_year
    left join {{ ref('mart_school_identification') }} as identification
        on listed.school_code = identification.school_code
       and listed.result_year = identification.result_year
)

select
    school_code,
    result_year,
    school_name,
    municipality_oktmo,
    municipality_name,
    is_published,
    is_computed,
    case
        when is_published and is_computed then 'both'
        when is_published then 'only_published'
        else 'only_computed'
    end as difference,
    ior,
    threshold_ior,
    distance_to_threshold,
    coalesce(is_cusp, false) as is_cusp,
    case
        when is_computed and is_kept_by_exit_rule then
            'удерживается правилом выхода: выше порога ' || cast(years_since_identified as varchar)
            || ' г. подряд при ' || cast({{ var('shnor_exit_cycles') }} as varchar)
            || ' необходимых для выхода (последний раз выявлена в ' || cast(last_identified_year as varchar) || ' г.)'
        when is_computed then 'выявлена по региональной методике: ' || coalesce(reasons, '—')
        when ior is null then 'по региональной методике не рассчитывается: нет результатов оценочных процедур за год'
        else 'по региональной методике не выявлена: ИОР ' || {{ number_text('ior') }}
            || ', место ' || cast(ior_cluster_rank as varchar) || ' из ' || cast(ior_cluster_size as varchar)
            || ' в кластере «' || cluster_name || '»'
            || coalesce(', порог выявления — ИОР ' || {{ number_text('threshold_ior') }}
                        || ' (выше порога на ' || {{ number_text('distance_to_threshold') }} || ')', '')
            || case when is_cusp then '; близкая к низким результатам' else '' end
            || '; процедур с низкими результатами — ' || cast(coalesce(low_procedures, 0) as varchar)
    end as reason
from compared
