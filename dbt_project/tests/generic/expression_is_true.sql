{#- Rows for which a boolean SQL expression does not hold (NULLs are treated as passing only if the
    expression itself says so). -#}
{% test expression_is_true(model, expression) %}
select *
from {{ model }}
where not coalesce(({{ expression }}), false)
{% endtest %}
