-- One row per indicator of each form. The maximum of a presence indicator is the number of its
-- 0/1 sub-items, never the form's printed "от 0 до N" label (seed 004 prints "от 0 до 2" for МНЦ-3,
-- which has 3 sub-items). Count indicators have no maximum. The rule is macros/form_scores.sql's, shared
-- with Python.
{{ form_indicator_maxima(ref('stg_form_items')) }}
