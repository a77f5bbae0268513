select
    monitoring_id,
    form_id,
    municipality_oktmo,
    school_code,
    section_code,
    indicator_code,
    indicator_number,
    item_number,
    unit_label,
    kind as indicator_kind,
    value as item_value,
    not_applicable as is_not_applicable,
    source_file,
    source_sha256,
    source_sheet,
    source_row,
    source_cell
from {{ source('raw', 'submission_values') }}
