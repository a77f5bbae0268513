-- The named thresholds of the regional letter and of the ШНОР list (dbt vars of dbt_project.yml, listed with
-- their meaning in macros/letter_thresholds.sql). Reports read them here: the weak line that colours the charts
-- and the sheets is this value, never a number in Python.
{{ letter_thresholds() }}
