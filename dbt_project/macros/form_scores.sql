{#- How a municipal monitoring form is scored, written once for dbt and for Python.

    These macros are plain Jinja over plain SQL: no dbt context (no ref, source, adapter, target, var, this),
    no other macro, no Jinja extension. dbt models call them with ref(); a Python checker can render them
    with jinja2 alone over its own tables, e.g.

        module = jinja2.Environment().from_string(Path("macros/form_scores.sql").read_text()).module
        sql = module.indicator_scores("(" + str(module.unit_indicator_scores("submission_values")) + ")")

    Each argument is a relation: a table or view name, or a query in parentheses. The columns it must have
    are named as in the staging models (stg_form_items, stg_submission_values); other columns are ignored.
    The SQL is portable (DuckDB and PostgreSQL). -#}


{#- One row per indicator of each form (form_id, section_code, indicator_code, indicator_number), with the
    number of its sub-items and its maximum: a presence indicator's maximum is the number of its 0/1
    sub-items, never the form's printed "от 0 до N" label; a count indicator has none (null).
    form_items: one row per sub-item, with form_id, section_code, section_order, section_title, indicator_code,
    indicator_display_code, indicator_number, indicator_label, indicator_kind ('presence' | 'count') — as
    stg_form_items.
    Returns form_id, section_code, section_order, section_title, indicator_code, indicator_display_code,
    indicator_number, indicator_label, indicator_kind, item_count, max_score. -#}
{% macro form_indicator_maxima(form_items) -%}
select
    form_id,
    section_code,
    min(section_order) as section_order,
    min(section_title) as section_title,
    indicator_code,
    min(indicator_display_code) as indicator_display_code,
    indicator_number,
    min(indicator_label) as indicator_label,
    min(indicator_kind) as indicator_kind,
    count(*) as item_count,
    case when min(indicator_kind) = 'presence' then count(*) end as max_score
from {{ form_items }} as form_items
group by form_id, section_code, indicator_code, indicator_number
{%- endmacro %}


{#- Score of each indicator for each unit scored (the municipality as a whole, or one ШНОР / mentor where the
    form has a column per unit): the sum of its sub-items; an item marked "*" (not applicable, item_value
    null) counts as 0. One row per file (source_sha256), indicator and unit: which file counts is not decided
    here — the caller keeps only current submissions.
    values: one row per sub-item and unit, with monitoring_id, form_id, municipality_oktmo, section_code,
    indicator_code, indicator_number, unit_label, item_value, source_sha256 — as stg_submission_values.
    carry: further columns of `values` that are constant within a file (e.g. is_demo), kept after source_sha256.
    Returns monitoring_id, form_id, municipality_oktmo, section_code, indicator_code, indicator_number,
    unit_label, source_sha256, [carry], unit_score, items_answered (sub-items with a value). -#}
{% macro unit_indicator_scores(values, carry=[]) -%}
select
    monitoring_id,
    form_id,
    municipality_oktmo,
    section_code,
    indicator_code,
    indicator_number,
    unit_label,
    source_sha256,
    {%- for column in carry %}
    {{ column }},
    {%- endfor %}
    sum(coalesce(item_value, 0)) as unit_score,
    count(item_value) as items_answered
from {{ values }} as submission_values
group by
    monitoring_id, form_id, municipality_oktmo, section_code, indicator_code, indicator_number, unit_label,
    source_sha256{% for column in carry %}, {{ column }}{% endfor %}
{%- endmacro %}


{#- Each indicator's score per file (a municipality's submission in a monitoring): the mean over the units
    scored of their unit_score.
    unit_scores: the rows of unit_indicator_scores — monitoring_id, form_id, municipality_oktmo,
    indicator_code, source_sha256, unit_score, one row per unit.
    carry: further columns constant within a file (e.g. is_demo), kept after source_sha256.
    Returns monitoring_id, form_id, municipality_oktmo, indicator_code, source_sha256, [carry],
    units_scored, score (double precision). -#}
{% macro indicator_scores(unit_scores, carry=[]) -%}
select
    monitoring_id,
    form_id,
    municipality_oktmo,
    indicator_code,
    source_sha256,
    {%- for column in carry %}
    {{ column }},
    {%- endfor %}
    count(*) as units_scored,
    avg(cast(unit_score as double precision)) as score
from {{ unit_scores }} as unit_scores
group by monitoring_id, form_id, municipality_oktmo, indicator_code, source_sha256{% for column in carry %}, {{ column }}{% endfor %}
{%- endmacro %}
