{#- What the region's rule calls a change in the share of low results between two years (seed 003's monitorings
    of the dynamics of results): 'improvement' when it fell by at least `step`, 'decline' when it rose by at
    least `step`, 'stable' otherwise, 'no_data' when either year is unknown. `step` is the methodology parameter
    dynamics_low_share_step; the 1e-9 keeps a change of exactly one step on the same side on every engine. -#}
{% macro result_change_direction(current_share, previous_share, step) -%}
    case
        when {{ current_share }} is null or {{ previous_share }} is null then 'no_data'
        when {{ current_share }} - {{ previous_share }} <= -{{ step }} + 1e-9 then 'improvement'
        when {{ current_share }} - {{ previous_share }} >= {{ step }} - 1e-9 then 'decline'
        else 'stable'
    end
{%- endmacro %}

{#- The rule's words for a direction, with the threshold in percentage points put in its place ("2,0"). -#}
{% macro result_change_wording(rule_wording, step) -%}
    replace({{ rule_wording }}, '{step}', replace({{ percent_text(step) }}, '.', ','))
{%- endmacro %}
