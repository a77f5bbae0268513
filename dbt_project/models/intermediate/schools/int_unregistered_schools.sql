-- Schools the results name that the region's registry does not have (no registry yet, or a name not in it):
-- one row per key «u-…» (shnor.identity: the municipality and the normalised name), named as first written.
select
    school_code,
    min(municipality_oktmo) as municipality_oktmo,
    min(school_name_raw) as school_name
from {{ ref('stg_assessment_results') }}
where identity_status = 'unregistered'
group by school_code
