{#- The last day of a month, portable (DuckDB and PostgreSQL). -#}
{% macro month_end(year, month) -%}
    cast(make_date(cast({{ year }} as integer), cast({{ month }} as integer), 1) + interval '1 month' - interval '1 day' as date)
{%- endmacro %}
