{#- Exactly one row of each group has the flag true: e.g. one current version per municipality (ОКТМО). Groups with
    none or with several are returned. -#}
{% test one_true_per_group(model, column_name, group_by) %}
select {{ group_by | join(', ') }}, sum(case when {{ column_name }} then 1 else 0 end) as flagged_rows
from {{ model }}
group by {{ group_by | join(', ') }}
having sum(case when {{ column_name }} then 1 else 0 end) <> 1
{% endtest %}
