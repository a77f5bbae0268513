{#- Two lists of schools compared, from 0/1 flags per school: how many are on each, on both, and on only
    one of them (federal vs regional list; this year's list vs last year's). -#}
{% macro list_overlap(first, second, first_total, second_total, on_both, only_first, only_second) -%}
    cast(sum({{ first }}) as integer) as {{ first_total }},
    cast(sum({{ second }}) as integer) as {{ second_total }},
    cast(sum({{ first }} * {{ second }}) as integer) as {{ on_both }},
    cast(sum({{ first }} * (1 - {{ second }})) as integer) as {{ only_first }},
    cast(sum({{ second }} * (1 - {{ first }})) as integer) as {{ only_second }}
{%- endmacro %}
