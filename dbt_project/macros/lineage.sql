{#- A source row's stable key: the file's sha256, its sheet and the row of that sheet ("<sha256>:<sheet>:<row>").
    Staging computes it once per raw table; the facts, marts and the row accounting carry it, so any mart row can
    be followed back to the rows of raw (and to their cells) by a join, never by guessing. -#}
{% macro source_row_id(relation=none) -%}
    {%- set prefix = relation ~ '.' if relation else '' -%}
    {{ prefix }}source_sha256 || ':' || coalesce({{ prefix }}source_sheet, '') || ':' || cast({{ prefix }}source_row as varchar)
{%- endmacro %}

{#- A raw row's lineage as staging passes it on: file, content hash, sheet, row and the stable key above. -#}
{% macro lineage_columns(relation) -%}
    {{ relation }}.source_file,
    {{ relation }}.source_sha256,
    {{ relation }}.source_sheet,
    {{ relation }}.source_row,
    {{ source_row_id(relation) }} as source_row_id
{%- endmacro %}
