-- One row per reason a school is identified as ШНОР (or flagged) in a year: the rule and its values.
select
    reasons.school_code,
    reasons.result_year,
    registry.school_name,
    registry.municipality_oktmo,
    municipalities.municipality_name,
    reasons.rule_code,
    reasons.rule_name,
    reasons.identifies_shnor,
    reasons.reason_detail
from {{ ref('int_school_identification_reasons') }} as reasons
inner join {{ ref('int_current_schools') }} as registry
    on reasons.school_code = registry.school_code
inner join {{ ref('int_current_municipalities') }} as municipalities
    on registry.municipality_oktmo = municipalities.municipality_oktmo
