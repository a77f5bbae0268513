{#- The accepted values of several columns of one model, in one dbt node rather than an accepted_values test per
    column: dbt's cost is per node (issue 33), the guarantee is dbt's accepted_values' — an empty value passes, any
    other not in the list fails. `values` maps each column to its list. A failure is one row per column and
    unexpected value, with its number of rows. -#}
{% test accepted_values_columns(model, values) %}
{% for column, accepted in values.items() -%}
select '{{ column }}' as column_name, cast({{ column }} as {{ dbt.type_string() }}) as unexpected_value,
       count(*) as rows_with_it
from {{ model }}
where {{ column }} is not null
  and {{ column }} not in ({% for value in accepted %}'{{ value | replace("'", "''") }}'{{ ", " if not loop.last }}{% endfor %})
group by {{ column }}
{% if not loop.last %}union all
{% endif %}
{%- endfor %}
{% endtest %}
