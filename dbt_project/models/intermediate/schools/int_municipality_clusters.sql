-- Each municipality's context cluster in a results year, from ОО-1: the share of its schools in difficult
-- social conditions (ШССУ, by the context index of mart_school_identification), banded by seed
-- municipality_clusters (min_sscu_share ≤ share < max_sscu_share). The letter pairs weaker municipalities with
-- stronger ones of the same cluster where it can.
with shares as (
    select
        municipality_oktmo,
        result_year,
        count(*) as schools,
        cast(sum(case when is_sscu then 1 else 0 end) as double precision) / count(*) as sscu_share
    from {{ ref('int_school_identification') }}
    group by municipality_oktmo, result_year
)

select
    shares.municipality_oktmo,
    shares.result_year,
    shares.schools,
    shares.sscu_share,
    clusters.cluster_code,
    clusters.cluster_name
from shares
inner join {{ ref('municipality_clusters') }} as clusters
    on shares.sscu_share >= clusters.min_sscu_share
   and shares.sscu_share < clusters.max_sscu_share
