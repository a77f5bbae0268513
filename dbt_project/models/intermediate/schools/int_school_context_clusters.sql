-- Context index, cluster and ИОР position per school and year. The context index is the weighted count of
-- context factors met; the cluster (context_clusters seed) groups schools in similar conditions, and a
-- school's ИОР is ranked only against its cluster in the region: cume_dist ≤ ior_lowest_share is «low ИОР».
with schools as (
    select * from {{ ref('int_school_context_years') }}
),

context as (
    select
        schools.*,
        coalesce((
            select sum(factors.weight)
            from {{ ref('int_school_factors') }} as factors
            where factors.school_code = schools.school_code
              and factors.result_year = schools.result_year
              and factors.factor_set = 'context_index'
        ), 0) as context_index
    from schools
),

clustered as (
    select
        context.*,
        clusters.cluster_code,
        clusters.cluster_name,
        clusters.is_sscu,
        ior.ior,
        ior.cells_used as ior_cells_used,
        ior.mean_low_result_share,
        ior.mean_result
    from context
    inner join {{ ref('context_clusters') }} as clusters
        on context.context_index between clusters.min_index and clusters.max_index
    left join {{ ref('int_school_ior') }} as ior
        on context.school_code = ior.school_code
       and context.result_year = ior.result_year
),

ranked as (
    select
        school_code,
        result_year,
        rank() over cluster_ior as ior_cluster_rank,
        count(*) over (partition by region_prefix, result_year, cluster_code) as ior_cluster_size,
        cume_dist() over cluster_ior as ior_cluster_position
    from clustered
    where ior is not null
    window cluster_ior as (partition by region_prefix, result_year, cluster_code order by ior)
)

select
    clustered.*,
    ranked.ior_cluster_rank,
    ranked.ior_cluster_size,
    ranked.ior_cluster_position,
    coalesce(ranked.ior_cluster_position <= {{ methodology_parameter('ior_lowest_share') }}, false) as is_lowest_ior
from clustered
left join ranked
    on clustered.school_code = ranked.school_code
   and clustered.result_year = ranked.result_year
