{#- The grain of a model: no two rows share these columns. (dbt_utils has one; we avoid packages so
    `dbt deps` never needs the network.) -#}
{% test unique_combination(model, columns) %}
select {{ columns | join(', ') }}, count(*) as duplicate_rows
from {{ model }}
group by {{ columns | join(', ') }}
having count(*) > 1
{% endtest %}
