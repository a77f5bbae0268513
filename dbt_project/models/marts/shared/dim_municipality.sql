select
    oktmo8 as municipality_oktmo,
    name as municipality_name,
    kind as municipality_kind,
    valid_from,
    valid_to,
    substr(oktmo8, 1, 2) as oktmo_region_code
from {{ ref('ref_municipalities') }}
