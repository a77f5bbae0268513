select
    form_id,
    section_code,
    section_order,
    section_title,
    indicator_number,
    indicator_code,
    display_code as indicator_display_code,
    indicator_label,
    item_number,
    item_label,
    kind as indicator_kind,
    printed_max as printed_max_label
from {{ source('raw', 'form_items') }}
