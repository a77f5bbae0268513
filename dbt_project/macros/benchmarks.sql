{#- How a value compares with the region: shared by the indicator and section marts. -#}

{#- Median of a column in a grouped query. DuckDB has median(); PostgreSQL needs percentile_cont. -#}
{% macro median(expression) -%}
    {{ return(adapter.dispatch('median')(expression)) }}
{%- endmacro %}

{% macro default__median(expression) -%}
    percentile_cont(0.5) within group (order by {{ expression }})
{%- endmacro %}

{% macro duckdb__median(expression) -%}
    median({{ expression }})
{%- endmacro %}

{#- Quartile by rank within a partition: 1 is the top quarter; tied values share a quartile. -#}
{% macro region_quartile(partition_by, order_by) -%}
    cast(floor(4.0 * (rank() over (partition by {{ partition_by }} order by {{ order_by }} desc) - 1)
               / count(*) over (partition by {{ partition_by }})) as integer) + 1
{%- endmacro %}

{#- improved / worsened / unchanged against the previous cycle; 'new' when there is none. -#}
{% macro change_direction(current, previous) -%}
    case
        when {{ previous }} is null then 'new'
        when {{ current }} - {{ previous }} > 1e-9 then 'improved'
        when {{ previous }} - {{ current }} > 1e-9 then 'worsened'
        else 'unchanged'
    end
{%- endmacro %}
