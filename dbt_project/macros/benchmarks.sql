{#- How a value compares with the region: shared by the indicator, section and total marts. -#}

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

{#- A municipality's value beside its region and its previous cycle: the one join behind the indicator, section
    and total marts. `scores` is a relation (a CTE name) with one row per monitoring_id, municipality_oktmo and
    the columns in `by` (e.g. ['indicator_code']; [] for one value per municipality), holding the column
    `value`. Selects every row of `scores` with, in this order:
      - the region's aggregates over the monitoring's municipalities with the same `by`: `region` maps each
        output column to its aggregate over `scores` (e.g. {'region_mean': 'avg(score)'});
      - region_rank (1 = the highest value; equal values share a rank) and region_quartile;
      - from int_previous_cycle (the latest earlier window of the same region and form), the municipality's
        value then: previous_monitoring_id as `previous_id` (when given), the value as `previous_value`,
        value − previous value as `change` (when given);
      - change_direction (improved / worsened / unchanged / new) and its Russian name, change_direction_label. -#}
{% macro with_region_and_previous_cycle(scores, by, value, region, previous_value, previous_id=none, change=none) -%}
{%- set keys = ['monitoring_id'] + by -%}
{%- set partition_columns = [] -%}
{%- for column in keys %}{% do partition_columns.append(scores ~ '.' ~ column) %}{% endfor -%}
{%- set partition = partition_columns | join(', ') -%}
select
    {{ scores }}.*,
    {%- for name in region %}
    region.{{ name }},
    {%- endfor %}
    rank() over (partition by {{ partition }} order by {{ scores }}.{{ value }} desc) as region_rank,
    {{ region_quartile(partition, scores ~ '.' ~ value) }} as region_quartile,
    {%- if previous_id %}
    previous.previous_monitoring_id as {{ previous_id }},
    {%- endif %}
    previous.previous_value as {{ previous_value }},
    {%- if change %}
    {{ scores }}.{{ value }} - previous.previous_value as {{ change }},
    {%- endif %}
    {{ change_direction(scores ~ '.' ~ value, 'previous.previous_value') }} as change_direction,
    {{ code_label('change_direction', change_direction(scores ~ '.' ~ value, 'previous.previous_value')) }}
        as change_direction_label
from {{ scores }}
inner join (
    select
        {{ keys | join(', ') }},
        {%- for name, aggregate in region.items() %}
        {{ aggregate }} as {{ name }}{{ ',' if not loop.last }}
        {%- endfor %}
    from {{ scores }}
    group by {{ keys | join(', ') }}
) as region
    on {% for column in keys %}{{ scores }}.{{ column }} = region.{{ column }}{{ ' and ' if not loop.last }}{% endfor %}
left join (
    select
        cycles.monitoring_id,
        cycles.previous_monitoring_id,
        earlier.municipality_oktmo,
        {%- for column in by %}
        earlier.{{ column }},
        {%- endfor %}
        earlier.{{ value }} as previous_value
    from {{ ref('int_previous_cycle') }} as cycles
    inner join {{ scores }} as earlier
        on earlier.monitoring_id = cycles.previous_monitoring_id
) as previous
    on {{ scores }}.monitoring_id = previous.monitoring_id
   and {{ scores }}.municipality_oktmo = previous.municipality_oktmo
   {%- for column in by %}
   and {{ scores }}.{{ column }} = previous.{{ column }}
   {%- endfor %}
{%- endmacro %}
