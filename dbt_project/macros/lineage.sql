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

{#- fct_source_rows' bridge from the rows of a kind's latest file (``current``, ranked by rows_ranked_by_latest_file)
    to the school-and-year mart that took them: one shape for lists and people registries. -#}
{% macro rows_reaching_school_year_mart(current, year_column, mart, mart_year_column, condition='true') -%}
    select distinct
        {{ current }}.source_row_id,
        '{{ mart }}' as mart_name,
        reached.school_code || ' ' || cast(reached.{{ mart_year_column }} as varchar) as mart_key,
        false as is_suppressed
    from {{ current }}
    inner join {{ ref(mart) }} as reached
        on {{ current }}.school_code = reached.school_code
       and {{ current }}.{{ year_column }} = reached.{{ mart_year_column }}
    where {{ current }}.file_rank = 1
      and {{ condition }}
{%- endmacro %}
