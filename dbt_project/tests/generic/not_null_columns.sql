{#- Columns of one model that are never empty, checked in one query and one dbt node rather than a not_null test
    per column: dbt's cost is per node (issue 33), the guarantee is the same. One scan counts the empty rows of
    every column; a failure lists each column that has any, with their number. -#}
{% test not_null_columns(model, columns) %}
with empty_counts as (
    select
    {%- for column in columns %}
        sum(case when {{ column }} is null then 1 else 0 end) as empty_{{ loop.index }}{{ "," if not loop.last }}
    {%- endfor %}
    from {{ model }}
)

{% for column in columns -%}
select '{{ column }}' as column_name, empty_{{ loop.index }} as empty_rows from empty_counts where empty_{{ loop.index }} > 0
{% if not loop.last %}union all
{% endif %}
{%- endfor %}
{% endtest %}
