{#- Every row's key (several columns) is found in another model: a relationships test on a composite key
    (evidence rows belong to a selected recommendation). Rows whose key has a NULL are not checked. -#}
{% test rows_exist_in(model, to, columns) %}
select {{ columns | join(', ') }}
from {{ model }} as child
where {% for column in columns %}child.{{ column }} is not null{% if not loop.last %} and {% endif %}{% endfor %}
  and not exists (
    select 1
    from {{ to }} as parent
    where {% for column in columns %}parent.{{ column }} = child.{{ column }}{% if not loop.last %} and {% endif %}{% endfor %}
)
{% endtest %}
