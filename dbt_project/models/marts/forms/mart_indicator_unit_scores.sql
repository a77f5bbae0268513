-- Per-unit detail where a form has a column per unit (per ШНОР or per mentor). Units are numbered,
-- never named: a unit may be a mentor, whose name is personal data and stays in raw.
with units as (
    select
        s.monitoring_id,
        s.municipality_oktmo,
        s.indicator_code,
        dense_rank() over (partition by s.source_sha256 order by s.unit_label) as unit_number,
        s.unit_score,
        f.max_score,
        s.source_sha256  -- lineage: the submission (file) the unit's values come from
    from {{ ref('int_unit_indicator_scores') }} as s
    inner join {{ ref('int_form_indicators') }} as f
        on s.form_id = f.form_id
        and s.indicator_code = f.indicator_code
)

{{ with_monitoring_window('units') }}
