{#- Within each group, a column has one value only: e.g. every ОО-1 row of a year comes from one file,
    the version that counts. -#}
{% test single_value_per_group(model, column_name, group_by) %}
select {{ group_by | join(', ') }}, count(distinct {{ column_name }}) as distinct_values
from {{ model }}
group by {{ group_by | join(', ') }}
having count(distinct {{ column_name }}) > 1
{% endtest %}
